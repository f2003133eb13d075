import type { Analytics } from '../analytics/analyze.js';
import type { Funnel } from '../analytics/funnel.js';
import type { Commissions } from '../analytics/ledger.js';
import type { CurrencyRevenue } from '../analytics/revenue.js';
import type { ChannelUsage, QuietWindow } from './meter.js';
import type { Arrival, Curve, SimulationSettings } from './settings.js';

/** What the synthetic members did over the run. */
export interface Activity {
  /** Organic arrivals, and members brought by other members. */
  joined: number;
  invited: number;
  messages: number;
  /** Messages that broke a covenant rule on purpose (`violate`). */
  violations: number;
  clicks: number;
  checkins: number;
  payments: number;
  refunds: number;
  churned: number;
}

/**
 * The simulation report: deterministic for a playbook, profile and seed — no wall-clock figures,
 * keys in a fixed order, ratios rounded — so that the same seed gives the same bytes.
 */
export interface SimulationReport {
  report: 'kith-simulation';
  version: 1;
  playbook: { id: string; name: string; version: string };
  settings: {
    members: number;
    days: number;
    seed: number;
    start: string;
    end: string;
    curve: Curve;
    arrivals: Arrival[];
  };
  activity: Activity;
  /** Journey steps completed by all members: the work the engine did. */
  memberSteps: number;
  funnel: Funnel;
  revenue: CurrencyRevenue[];
  commissions: Commissions;
  /** Quiet hours the messages are checked against: the playbook's, else 22:00–08:00. */
  quietHours: { start: string; end: string; source: 'playbook' | 'default' };
  /** Local dates (the playbook's zone) of the run's days: the index of every `perDay` figure. */
  days: string[];
  channels: ChannelUsage[];
  /** Every effect carried out, by type (messages, checkouts, group changes, ledger work). */
  effects: Record<string, number>;
  /** Totals over all channels of the moments below. */
  violations: { rateLimit: number; messagesOverLimit: number; quietHours: number };
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

export interface ReportParts {
  playbook: SimulationReport['playbook'];
  settings: SimulationSettings;
  activity: Activity;
  analytics: Analytics;
  memberSteps: number;
  quiet: { window: QuietWindow; source: 'playbook' | 'default' };
  days: string[];
  channels: ChannelUsage[];
  effects: ReadonlyMap<string, number>;
}

export function buildReport(p: ReportParts): SimulationReport {
  const s = p.settings;
  let rateLimit = 0;
  let over = 0;
  let quiet = 0;
  for (const c of p.channels) {
    quiet += c.quietHours.messages;
    for (const l of c.limits) {
      rateLimit += l.violations;
      over += l.over;
    }
  }
  return {
    report: 'kith-simulation',
    version: 1,
    playbook: p.playbook,
    settings: {
      members: s.members,
      days: s.days,
      seed: s.seed,
      start: new Date(s.start).toISOString(),
      end: new Date(s.start + s.days * 86_400_000).toISOString(),
      curve: s.curve,
      arrivals: s.arrivals.map((a) => ({ entry: a.entry, source: a.source, share: a.share })),
    },
    activity: p.activity,
    memberSteps: p.memberSteps,
    funnel: p.analytics.funnel,
    revenue: p.analytics.revenue,
    commissions: p.analytics.commissions,
    quietHours: { start: hhmm(p.quiet.window.start), end: hhmm(p.quiet.window.end), source: p.quiet.source },
    days: p.days,
    channels: p.channels,
    effects: Object.fromEntries([...p.effects.keys()].sort().map((k) => [k, p.effects.get(k)!])),
    violations: { rateLimit, messagesOverLimit: over, quietHours: quiet },
  };
}
