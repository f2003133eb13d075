/** A sliding-window mention counter: one per (signal, member) or (signal, group) or (signal). */
export interface Counter {
  /** The latest mentions (at most `threshold` of them: enough to decide), by time and event id. */
  hits: { at: number; id: string }[];
  /** The last firing, by the mention that tipped it. */
  fired: { id: string; at: number; count: number } | null;
}

export interface CountRule {
  windowMs: number;
  threshold: number;
  cooldownMs: number;
}

export interface Tally {
  fired: boolean;
  /** Mentions within the window, this one included (what it was when it fired). */
  count: number;
}

export const NO_COUNTER: Counter = Object.freeze({ hits: [], fired: null }) as Counter;

/**
 * Counts one mention. The signal fires when the mentions within the window reach the threshold
 * and the cooldown since the last firing has passed; firing starts a new count. The same mention
 * (event id) counted again gives the same answer and changes nothing: a retried input is safe.
 */
export function countMention(
  c: Counter,
  hit: { at: number; id: string },
  rule: CountRule,
): { next: Counter; tally: Tally } {
  if (c.fired?.id === hit.id) return { next: c, tally: { fired: true, count: c.fired.count } };
  const from = hit.at - rule.windowMs;
  if (c.hits.some((h) => h.id === hit.id)) {
    return { next: c, tally: { fired: false, count: c.hits.filter((h) => h.at > from).length } };
  }
  const hits = c.hits.filter((h) => h.at > from);
  hits.push(hit);
  const count = hits.length;
  const cooled = c.fired === null || hit.at - c.fired.at >= rule.cooldownMs;
  if (count >= rule.threshold && cooled) {
    return { next: { hits: [], fired: { id: hit.id, at: hit.at, count } }, tally: { fired: true, count } };
  }
  // the latest `threshold` mentions decide whether the window holds enough: older ones can go
  return { next: { hits: hits.slice(-rule.threshold), fired: c.fired }, tally: { fired: false, count } };
}
