import type { SimulationReport } from '@kith/engine';
import { currencyDigits } from '@kith/playbook';
import { type Colors, createColors } from '../output/colors.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (r: number | null) => (r === null ? '   –  ' : `${(r * 100).toFixed(1).padStart(5)}%`);

/** Minor units as `CNY 1,234.50`. */
function money(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  const value = amount / 10 ** digits;
  return `${currency} ${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  return `${ms / 1000}s`;
}

function table(rows: string[][], indent = '  '): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map(
    (r) =>
      indent +
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
  );
}

/**
 * The human-readable report: the community, the funnel per stage and journey, money, messages
 * per channel, and every broken rate limit and quiet hour (first moments, with totals).
 */
export function renderSimulation(
  r: SimulationReport,
  options: { colors?: Colors; wallMs?: number } = {},
): string {
  const c = options.colors ?? createColors(false);
  const s = r.settings;
  const a = r.activity;
  const f = r.funnel;
  const out: string[] = [];
  const head = (t: string) => out.push('', c.bold(c.underline(t)));

  out.push(
    c.bold(`${r.playbook.name} (${r.playbook.id})`) +
      c.dim(` — ${int(s.members)} members arriving over ${s.days} days (${s.curve}), seed ${s.seed}`),
  );
  out.push(
    c.dim(`${s.start.slice(0, 10)} → ${s.end.slice(0, 10)}; `) +
      `${int(f.members)} members at the end (${int(a.invited)} invited by members, ${int(f.left)} left)`,
  );
  out.push(
    c.dim(
      `${int(a.messages)} messages written, ${int(a.clicks)} buttons pressed, ${int(a.checkins)} check-ins, ` +
        `${int(a.payments)} payments, ${int(a.refunds)} refunds, ${int(a.violations)} covenant breaches`,
    ),
  );

  head('Funnel');
  out.push(
    ...table([
      ['stage', 'reached', 'conversion', 'now in stage'],
      ...f.stages.map((st) => [st.stage, int(st.reached), pct(st.conversion), int(st.current)]),
    ]),
  );
  if (f.sources.length > 1) {
    out.push('', c.dim('  by source'));
    out.push(
      ...table(
        [
          ['source', 'members', ...f.stages.map((st) => st.stage)],
          ...f.sources.map((src) => [
            src.source,
            int(src.members),
            ...f.stages.map((st) => int(src.reached[st.stage] ?? 0)),
          ]),
        ],
        '    ',
      ),
    );
  }

  head('Journeys');
  out.push(
    ...table([
      ['journey', 'entered', 'completed', 'exited', 'active', 'goals'],
      ...f.journeys
        .filter((j) => j.entered > 0)
        .map((j) => [
          j.journey,
          int(j.entered),
          int(j.completed),
          int(j.exited),
          int(j.active),
          Object.entries(j.goals)
            .map(([g, n]) => `${g} ${int(n)}`)
            .join(', '),
        ]),
    ]),
  );
  const idle = f.journeys.filter((j) => j.entered === 0).map((j) => j.journey);
  if (idle.length > 0) out.push(c.yellow(`  never entered: ${idle.join(', ')}`));

  head('Money');
  if (r.revenue.length === 0) out.push(c.dim('  no orders'));
  for (const cur of r.revenue) {
    out.push(
      `  ${money(cur.net, cur.currency)} net: ${int(cur.paid)} of ${int(cur.orders)} orders paid ` +
        `(${money(cur.gross, cur.currency)}), ${int(cur.refunded)} refunded (${money(cur.refunds, cur.currency)})`,
    );
    for (const [offer, o] of Object.entries(cur.byOffer))
      out.push(
        c.dim(`    ${offer}: ${int(o.paid)}/${int(o.orders)} paid, ${money(o.net, cur.currency)} net`),
      );
  }
  if (r.commissions.source === 'none') out.push(c.dim('  commissions: no ledger'));
  for (const l of r.commissions.currencies) {
    out.push(
      `  commissions ${money(l.commissions, l.currency)}: earned ${money(l.earned, l.currency)}, ` +
        `${money(l.pending, l.currency)} pending, ${money(l.payable, l.currency)} payable, ` +
        `${money(l.paid, l.currency)} paid, ${money(l.reversed, l.currency)} reversed`,
    );
  }

  head('Messages');
  for (const ch of r.channels) {
    const peak = Math.max(0, ...ch.perDay);
    const peakDay = r.days[ch.perDay.indexOf(peak)] ?? '';
    out.push(
      `  ${c.bold(ch.channel)} ${c.dim(`(${ch.use})`)}: ${int(ch.messages)} messages ` +
        `(${int(ch.direct)} direct, ${int(ch.group)} to groups), ${int(ch.messages / Math.max(1, r.days.length))}/day, ` +
        `peak ${int(peak)} on ${peakDay}`,
    );
    if (ch.groupCap.deferred + ch.groupCap.skipped > 0)
      out.push(
        c.dim(`    group cap held back ${int(ch.groupCap.deferred)}, dropped ${int(ch.groupCap.skipped)}`),
      );
    if (ch.pendingAtEnd > 0) out.push(c.dim(`    ${int(ch.pendingAtEnd)} still waiting at the end`));
    for (const l of ch.limits) {
      const what = `${l.name} ${l.max}/${duration(l.perMs)} per ${l.scope} (${l.source})`;
      if (l.violations === 0) {
        out.push(c.green(`    ✔ ${what}: never exceeded`));
        continue;
      }
      out.push(
        c.red(
          `    ✖ ${what}: exceeded in ${int(l.violations)} windows, ${int(l.over)} messages over the limit`,
        ),
      );
      for (const mo of l.moments.slice(0, 5))
        out.push(c.dim(`        ${mo.at}${mo.key === null ? '' : ` ${mo.key}`}: ${mo.count}/${mo.max}`));
      if (l.violations > 5)
        out.push(
          c.dim(
            `        … ${int(l.violations - 5)} more window${l.violations === 6 ? '' : 's'} (--json lists the first ${l.moments.length})`,
          ),
        );
    }
    const q = ch.quietHours;
    if (q.messages === 0)
      out.push(c.green(`    ✔ quiet hours ${r.quietHours.start}–${r.quietHours.end}: none sent`));
    else {
      out.push(
        c.yellow(
          `    ⚠ quiet hours ${r.quietHours.start}–${r.quietHours.end} (${r.quietHours.source}): ${int(q.messages)} messages` +
            (q.critical > 0 ? `, ${int(q.critical)} of them critical` : ''),
        ),
      );
      for (const mo of q.moments.slice(0, 3))
        out.push(
          c.dim(
            `        ${mo.at} ${mo.from}${mo.critical ? ' (critical)' : ''} → ${mo.group ?? mo.member ?? ''}`,
          ),
        );
    }
  }

  const v = r.violations;
  out.push('');
  const summary =
    v.rateLimit === 0 && v.quietHours === 0
      ? c.green('✔ no rate limit exceeded, nothing sent in quiet hours')
      : c.yellow(
          `⚠ ${int(v.rateLimit)} rate-limit windows exceeded (${int(v.messagesOverLimit)} messages over), ` +
            `${int(v.quietHours)} messages in quiet hours`,
        );
  const timing =
    options.wallMs === undefined
      ? ''
      : c.dim(
          ` — ${(options.wallMs / 1000).toFixed(1)} s, ${int(r.memberSteps / Math.max(options.wallMs / 1000, 1e-3))} member-steps/s`,
        );
  out.push(summary + timing);
  return `${out.join('\n')}\n`;
}
