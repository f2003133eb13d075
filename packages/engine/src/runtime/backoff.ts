import { unitHash } from '../util/hash.js';

export interface RetryPolicy {
  /** Attempts before an effect is dead-lettered (the first delivery counts). */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** Share of each delay that is randomised (0: none, 1: "full jitter"). */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 10_000, maxMs: 3_600_000, jitter: 0.5 };

/**
 * Exponential backoff with jitter after the `attempt`-th failure. The jitter is a hash of the
 * idempotency key and the attempt, not Math.random: the same failure schedule replays exactly
 * under the virtual clock, and different effects still spread out.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, key: string): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const u = unitHash(`${key}#${attempt}`);
  return Math.max(1, Math.round(exp * (1 - policy.jitter * u)));
}
