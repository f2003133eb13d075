/** One invitation that reached a member before they joined: a link clicked, a code used. */
export interface Touch {
  referrer: string;
  name: string | null;
  at: number;
}

/** When an invitation happened: `invitedAt` (epoch ms or ISO 8601) if the event says, else the event's time. */
export function touchTime(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  return fallback;
}

/**
 * Who a join is attributed to: among invitations from someone else no older than the window at
 * the join, the earliest (`first`) or the latest (`last`); ties go to the one recorded first.
 */
export function pickReferrer(
  touches: readonly Touch[],
  member: string,
  joinAt: number,
  windowMs: number | null,
  model: 'first' | 'last',
): Touch | null {
  let best: Touch | null = null;
  for (const t of touches) {
    if (t.referrer === member || t.at > joinAt) continue;
    if (windowMs !== null && joinAt - t.at > windowMs) continue;
    if (best === null || (model === 'first' ? t.at < best.at : t.at > best.at)) best = t;
  }
  return best;
}
