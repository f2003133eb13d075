import type { LiveActivity } from '../../api/types.js';

export const ACTIVITY_CAP = 200;

/** The newest line first; the list never grows past `cap`, so a busy community cannot swamp the page. */
export function pushActivity(
  list: readonly LiveActivity[],
  item: LiveActivity,
  cap = ACTIVITY_CAP,
): LiveActivity[] {
  const next = [item, ...list];
  if (next.length > cap) next.length = cap;
  return next;
}

/** `journey › step`, or whichever of them is known. */
export function activityPlace(a: LiveActivity): string {
  return [a.journey, a.step].filter((s): s is string => typeof s === 'string' && s !== '').join(' › ');
}
