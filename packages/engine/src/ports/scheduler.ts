import type { Timer } from '../kernel/outcome.js';

/**
 * Durable timers. Setting a key again replaces its timer, so a wait (keyed by instance and step)
 * is unique; the runtime re-arms the timers of waiting runs at start-up (`recover`), which covers
 * a crash between a member commit and `schedule`. Delivery is at least once: the engine ignores
 * a timer whose wait is already over.
 */
export interface Scheduler {
  schedule(timers: readonly Timer[]): Promise<void>;
  cancel(tenant: string, keys: readonly string[]): Promise<void>;
  /** Removes and returns timers due by `now`, earliest first. */
  takeDue(now: number, limit: number): Promise<Timer[]>;
  /** When the earliest timer is due, if any. */
  nextAt(): Promise<number | undefined>;
}

/** A Scheduler's `schedule` and `cancel` done at once (in memory): see `ImmediateMembers`. */
export interface ImmediateTimers {
  scheduleNow(timers: readonly Timer[]): void;
  cancelNow(tenant: string, keys: readonly string[]): void;
  takeDueNow(now: number, limit: number): Timer[];
}
