import type { Effect, Recipient } from '../model/effect.js';
import { EFFECTS } from '../model/effect.js';
import { minuteOfDay } from '../time/zone.js';
import type { ChannelLimit } from './limits.js';

/** One window in which a limit would be broken. */
export interface LimitMoment {
  /** Start of the window (ISO 8601, UTC). */
  at: string;
  limit: string;
  /** The group or recipient counted, or null for the whole connection. */
  key: string | null;
  /** Messages (or calls) in the window; `max` were allowed. */
  count: number;
  max: number;
}

/** A message that would reach members in quiet hours. */
export interface QuietMoment {
  at: string;
  member: string | null;
  group: string | null;
  /** `journey/step` that sent it, or `community` for a mechanic's notice (a ritual, the covenant). */
  from: string;
  /** Sent as critical (a receipt, the covenant on joining): it bypasses quiet hours on purpose. */
  critical: boolean;
}

/** Quiet hours as minutes of the local day; `start > end` wraps midnight. */
export interface QuietWindow {
  start: number;
  end: number;
}

/** The journey of an instance id (`member:journey:n` or `member:journey[key]:n`). */
function journeyOf(instance: string): string {
  const part = instance.split(':')[1] ?? instance;
  const bracket = part.indexOf('[');
  return bracket < 0 ? part : part.slice(0, bracket);
}

interface Window {
  w: number;
  c: number;
  moment: LimitMoment | null;
}

/** Counts one limit in fixed windows aligned to the epoch (per minute, per second), per key. */
class LimitCounter {
  violations = 0;
  over = 0;
  readonly moments: LimitMoment[] = [];
  private readonly windows = new Map<string, Window>();
  private readonly connection: Window = { w: -1, c: 0, moment: null };

  constructor(
    readonly limit: ChannelLimit,
    private readonly maxMoments: number,
  ) {}

  count(key: string | null, at: number): void {
    let win = this.connection;
    if (this.limit.scope !== 'connection') {
      if (key === null) return;
      win = this.windows.get(key) ?? { w: -1, c: 0, moment: null };
      if (win.w === -1) this.windows.set(key, win);
    }
    const w = Math.floor(at / this.limit.perMs);
    if (w !== win.w) {
      win.w = w;
      win.c = 0;
      win.moment = null;
    }
    win.c++;
    if (win.c <= this.limit.max) return;
    this.over++;
    if (win.c === this.limit.max + 1) {
      this.violations++;
      if (this.moments.length < this.maxMoments) {
        win.moment = {
          at: new Date(w * this.limit.perMs).toISOString(),
          limit: this.limit.name,
          key: this.limit.scope === 'connection' ? null : key,
          count: win.c,
          max: this.limit.max,
        };
        this.moments.push(win.moment);
      }
    } else if (win.moment !== null) win.moment.count = win.c;
  }
}

export interface ChannelUsage {
  channel: string;
  use: string;
  /** Messages delivered within the run. */
  messages: number;
  direct: number;
  group: number;
  /** Messages delivered per day of the run. */
  perDay: number[];
  /** Every effect the channel carried out (sends, group changes, calls). */
  calls: number;
  /** Group messages the playbook's `perGroup` cap held back (each counted once), and dropped. */
  groupCap: { deferred: number; skipped: number };
  /** Messages still waiting (deferred) when the run ended. */
  pendingAtEnd: number;
  limits: {
    name: string;
    scope: ChannelLimit['scope'];
    counts: ChannelLimit['counts'];
    max: number;
    perMs: number;
    source: ChannelLimit['source'];
    /** Windows in which the limit would be broken. */
    violations: number;
    /** Messages beyond the limit, summed over those windows. */
    over: number;
    /** The first violating windows, in time order. */
    moments: LimitMoment[];
  }[];
  /** Messages delivered in quiet hours; `critical` of them bypassed quiet hours on purpose. */
  quietHours: { messages: number; critical: number; moments: QuietMoment[] };
}

/**
 * What one channel instance carried, checked against its provider's limits and quiet hours:
 * deliveries must be recorded in time order (the simulator's agenda guarantees it).
 */
export class ChannelMeter {
  private messages = 0;
  private direct = 0;
  private group = 0;
  private calls = 0;
  private quiet = 0;
  private quietCritical = 0;
  private readonly quietMoments: QuietMoment[] = [];
  private readonly perDay: Float64Array;
  private readonly counters: LimitCounter[];
  groupDeferred = 0;
  groupSkipped = 0;
  pendingAtEnd = 0;

  constructor(
    readonly channel: string,
    readonly use: string,
    limits: readonly ChannelLimit[],
    private readonly start: number,
    days: number,
    private readonly quietWindow: QuietWindow | null,
    private readonly maxMoments: number,
  ) {
    this.perDay = new Float64Array(days);
    this.counters = limits.map((l) => new LimitCounter(l, maxMoments));
  }

  /** An effect carried out at `at`; `zone` is where its recipient's quiet hours are kept. */
  record(effect: Effect, at: number, zone: string): void {
    this.calls++;
    const isSend = effect.type === EFFECTS.send;
    const to = isSend ? (effect.data.to as Recipient | undefined) : undefined;
    const group =
      to?.kind === 'group' ? to.group : typeof effect.data.group === 'string' ? effect.data.group : null;
    const recipient =
      to?.kind === 'member' ? (to.address ?? to.member) : to?.kind === 'referrer' ? to.referrer : null;
    for (const c of this.counters) {
      if (c.limit.counts === 'messages' && !isSend) continue;
      c.count(c.limit.scope === 'group' ? group : c.limit.scope === 'recipient' ? recipient : null, at);
    }
    if (!isSend) return;
    this.messages++;
    if (to?.kind === 'group') this.group++;
    else this.direct++;
    const day = Math.floor((at - this.start) / 86_400_000);
    if (day >= 0 && day < this.perDay.length) this.perDay[day]!++;
    const q = this.quietWindow;
    if (q !== null) {
      const m = minuteOfDay(zone, at);
      if (q.start <= q.end ? m >= q.start && m < q.end : m >= q.start || m < q.end) {
        this.quiet++;
        if (effect.data.critical === true) this.quietCritical++;
        if (this.quietMoments.length < this.maxMoments) {
          this.quietMoments.push({
            at: new Date(at).toISOString(),
            member: to?.kind === 'group' ? null : effect.member,
            group,
            from:
              effect.instance !== null && effect.step !== null
                ? `${journeyOf(effect.instance)}/${effect.step}`
                : 'community',
            critical: effect.data.critical === true,
          });
        }
      }
    }
  }

  usage(): ChannelUsage {
    return {
      channel: this.channel,
      use: this.use,
      messages: this.messages,
      direct: this.direct,
      group: this.group,
      perDay: Array.from(this.perDay),
      calls: this.calls,
      groupCap: { deferred: this.groupDeferred, skipped: this.groupSkipped },
      pendingAtEnd: this.pendingAtEnd,
      limits: this.counters.map((c) => ({
        name: c.limit.name,
        scope: c.limit.scope,
        counts: c.limit.counts,
        max: c.limit.max,
        perMs: c.limit.perMs,
        source: c.limit.source,
        violations: c.violations,
        over: c.over,
        moments: c.moments,
      })),
      quietHours: { messages: this.quiet, critical: this.quietCritical, moments: this.quietMoments },
    };
  }
}
