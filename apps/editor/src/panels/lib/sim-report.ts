import type { SimulationReport } from '../../api/types.js';

const DAY = 86_400_000;

export interface DayRow {
  index: number;
  /** The local date of the day (the playbook's zone), as the report gives it. */
  date: string;
  total: number;
  /** Messages per channel, in the order of `report.channels`. */
  perChannel: number[];
  /** Windows in which a channel's rate limit would have been broken (of those the report lists). */
  rateLimit: number;
  /** Messages that would have reached members in quiet hours, critical ones left out. */
  quiet: number;
}

/** The day of the run an instant falls on, as the simulator counts days (from the start). */
export function dayIndex(at: string, start: string): number {
  return Math.floor((Date.parse(at) - Date.parse(start)) / DAY);
}

/**
 * Messages per day per channel, with the days that broke a rate limit or quiet hours marked.
 * The report keeps only the first moments of each kind, so marks are a lower bound; the totals
 * in `report.violations` are exact.
 */
export function dayRows(report: SimulationReport): DayRow[] {
  const rows: DayRow[] = report.days.map((date, index) => ({
    index,
    date,
    total: 0,
    perChannel: report.channels.map((c) => c.perDay[index] ?? 0),
    rateLimit: 0,
    quiet: 0,
  }));
  for (const r of rows) r.total = r.perChannel.reduce((a, b) => a + b, 0);
  const start = report.settings.start;
  for (const c of report.channels) {
    for (const l of c.limits) {
      for (const m of l.moments) {
        const row = rows[dayIndex(m.at, start)];
        if (row !== undefined) row.rateLimit++;
      }
    }
    for (const m of c.quietHours.moments) {
      if (m.critical) continue;
      const row = rows[dayIndex(m.at, start)];
      if (row !== undefined) row.quiet++;
    }
  }
  return rows;
}

/** Whether the run broke any provider limit or quiet hours (critical messages excepted). */
export function hasViolations(report: SimulationReport): boolean {
  const v = report.violations;
  const criticalQuiet = report.channels.reduce((n, c) => n + c.quietHours.critical, 0);
  return v.rateLimit > 0 || v.quietHours - criticalQuiet > 0;
}
