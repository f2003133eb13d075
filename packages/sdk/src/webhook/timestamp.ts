export type TimestampCheck = 'ok' | 'stale' | 'future';

/**
 * Whether a signed timestamp is within `toleranceMs` of `now` either way. Signing the timestamp
 * and rejecting old ones bounds how long a captured request can be replayed; the seen-id store
 * covers the window itself.
 */
export function checkTimestamp(timestampMs: number, now: number, toleranceMs: number): TimestampCheck {
  if (!Number.isFinite(timestampMs)) return 'stale';
  if (timestampMs < now - toleranceMs) return 'stale';
  if (timestampMs > now + toleranceMs) return 'future';
  return 'ok';
}
