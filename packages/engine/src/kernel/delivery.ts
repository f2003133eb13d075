import type { CompiledDelivery } from '../compile/types.js';
import { minuteOfDay, nextLocalTime } from '../time/zone.js';

/** A message dropped by policy. */
export type SkipReason = 'frequency-cap' | 'quiet-hours';

function inQuiet(q: NonNullable<CompiledDelivery['quiet']>, minute: number): boolean {
  return q.start <= q.end ? minute >= q.start && minute < q.end : minute >= q.start || minute < q.end;
}

/**
 * When a message may go out under quiet hours (in `zone`) and, for direct messages, the member's
 * frequency cap over `sendLog` (ascending times of earlier messages, deferred ones included).
 * Returns the delivery time, or the reason it is skipped. Never earlier than `now`.
 */
export function deliveryTime(
  policy: CompiledDelivery,
  sendLog: number[] | null,
  zone: string,
  now: number,
): number | SkipReason {
  let at = now;
  const cap = sendLog === null ? null : policy.perMember;
  if (cap !== null && sendLog !== null && sendLog.length >= cap.max) {
    const free = sendLog[sendLog.length - cap.max]! + cap.per;
    if (free > at) {
      if (cap.mode === 'skip') return 'frequency-cap';
      at = free;
    }
  }
  const q = policy.quiet;
  if (q !== null && inQuiet(q, minuteOfDay(zone, at))) {
    if (q.mode === 'skip') return 'quiet-hours';
    at = nextLocalTime(zone, at, q.end);
  }
  return at;
}

/** Records a direct message in the member's send log, keeping only what the cap looks at. */
export function recordSend(policy: CompiledDelivery, sendLog: number[], at: number): void {
  const cap = policy.perMember;
  if (cap === null) return;
  let i = sendLog.length;
  sendLog.push(at);
  while (i > 0 && sendLog[i - 1]! > at) {
    sendLog[i] = sendLog[i - 1]!;
    i--;
  }
  sendLog[i] = at;
  if (sendLog.length > cap.max) sendLog.splice(0, sendLog.length - cap.max);
}

/** Sliding-window check for a shared cap (a group's): the time a message may go, or skip. */
export function windowTime(
  cap: { max: number; per: number; mode: 'defer' | 'skip' },
  log: number[],
  now: number,
): number | 'skip' {
  if (log.length < cap.max) return now;
  const free = log[log.length - cap.max]! + cap.per;
  if (free <= now) return now;
  return cap.mode === 'skip' ? 'skip' : free;
}
