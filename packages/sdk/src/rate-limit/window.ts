/**
 * The rate-limit arithmetic, pure so that every store (memory, Redis via a Lua script) does the
 * same thing. A bucket holds `max` tokens and each spent token comes back `perMs` after it was
 * spent: a sliding-window token bucket. Unlike a bucket that refills at `max/per`, it never lets
 * more than `max` sends into any window of `perMs` — which is how providers count (WeCom answers
 * 45009 to the 21st robot message in a minute, however evenly the first 20 were spread).
 *
 * The state of a bucket is the ascending times of its reservations that can still matter (those
 * after `now - perMs`, future ones included). Reservations may land between earlier ones: a
 * direct message is not held behind a group message that waits for its group's minute, even
 * though both count against the bot's connection bucket.
 */
export interface BucketSpec {
  key: string;
  max: number;
  perMs: number;
}

/** Index of the first entry ≥ t (binary search). */
function lowerBound(log: readonly number[], t: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when one more send at `t` keeps every window of `perMs` that contains `t` under `max`. */
export function fits(log: readonly number[], spec: BucketSpec, t: number): boolean {
  // Entries that share a window with t lie in (t - perMs, t + perMs).
  const from = lowerBound(log, t - spec.perMs + 1);
  const to = lowerBound(log, t + spec.perMs);
  if (to - from < spec.max) return true;
  // Slide a window over them, with t inserted; any window holding t and `max` others is full.
  const times = log.slice(from, to);
  times.splice(lowerBound(times, t), 0, t);
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= spec.perMs) i++;
    if (j - i + 1 > spec.max && times[i]! <= t && t <= times[j]!) return false;
  }
  return true;
}

/**
 * The earliest instant ≥ `from` at which one more send fits. A send at t breaks a window exactly
 * when some `max` consecutive reservations a[j] … a[j+max-1] that fit in one window share it with
 * t, that is when t lies in the open interval (a[j+max-1] - perMs, a[j] + perMs). Both ends of
 * these intervals grow with j, so one sweep finds the first instant outside all of them: O(entries after `from`) with no
 * window re-counted — checking each candidate with `fits` was O(entries × max) per reservation,
 * and a connection with 4,000 sends queued took 20 ms of Redis per booking.
 */
export function earliestSlot(log: readonly number[], spec: BucketSpec, from: number): number {
  const { max, perMs } = spec;
  let t = from;
  for (let j = lowerBound(log, from - perMs + 1); j + max - 1 < log.length; j++) {
    const last = log[j + max - 1]!;
    if (last - perMs >= t) break;
    // only `max` reservations inside one window make the interval
    if (last - log[j]! >= perMs) continue;
    const end = log[j]! + perMs;
    if (end > t) t = end;
  }
  return t;
}

/** Spends a token at `at`, forgetting entries that can no longer share a window with `now` or later. */
export function recordSlot(log: number[], spec: BucketSpec, at: number, now: number): void {
  log.splice(lowerBound(log, at + 1), 0, at);
  const stale = lowerBound(log, now - spec.perMs + 1);
  if (stale > 0) log.splice(0, stale);
}

/** A bucket whose every token has come back can be forgotten. */
export function isIdle(log: readonly number[], spec: BucketSpec, now: number): boolean {
  const last = log[log.length - 1];
  return last === undefined || last + spec.perMs <= now;
}

/**
 * The earliest instant ≥ `now` at which every bucket has room: each bucket's earliest slot from
 * the current candidate, until they agree (the candidate only grows, over finitely many instants).
 */
export function earliestCommonSlot(
  buckets: readonly { log: readonly number[]; spec: BucketSpec }[],
  now: number,
): number {
  let t = now;
  for (;;) {
    let moved = false;
    for (const b of buckets) {
      const e = earliestSlot(b.log, b.spec, t);
      if (e > t) {
        t = e;
        moved = true;
      }
    }
    if (!moved) return t;
  }
}
