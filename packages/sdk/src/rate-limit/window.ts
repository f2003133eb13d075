/**
 * The rate-limit arithmetic, pure so that every store (memory, Redis via a Lua script) does the
 * same thing. A bucket holds `max` tokens and each spent token comes back `perMs` after it was
 * spent: a sliding-window token bucket. Unlike a bucket that refills at `max/per`, it never lets
 * more than `max` sends into any window of `perMs` — which is how providers count (WeCom answers
 * 45009 to the 21st robot message in a minute, however evenly the first 20 were spread).
 * The state of a bucket is the times of its last `max` reservations, ascending.
 */
export interface BucketSpec {
  key: string;
  max: number;
  perMs: number;
}

/**
 * The earliest instant ≥ `now` at which the bucket has a free token. Never earlier than the
 * bucket's latest reservation: sends through one bucket keep their order (FIFO), and a send that
 * was made to wait for another bucket cannot be overtaken.
 */
export function earliestSlot(log: readonly number[], spec: BucketSpec, now: number): number {
  let t = now;
  const last = log[log.length - 1];
  if (last !== undefined && last > t) t = last;
  if (log.length >= spec.max) {
    const free = log[log.length - spec.max]! + spec.perMs;
    if (free > t) t = free;
  }
  return t;
}

/** Spends a token at `at` (≥ every earlier reservation), keeping only what `earliestSlot` reads. */
export function recordSlot(log: number[], spec: BucketSpec, at: number): void {
  log.push(at);
  if (log.length > spec.max) log.splice(0, log.length - spec.max);
}

/** A bucket whose every token has come back can be forgotten. */
export function isIdle(log: readonly number[], spec: BucketSpec, now: number): boolean {
  const last = log[log.length - 1];
  return last === undefined || last + spec.perMs <= now;
}
