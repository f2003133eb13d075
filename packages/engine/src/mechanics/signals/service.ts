import type { ServiceHandler } from '../types.js';
import { type Counter, countMention, NO_COUNTER, type Tally } from './window.js';

export const SIGNAL_COUNT = 'signals.count';
const NAMESPACE = 'signals';

export interface SharedMention {
  signal: string;
  /** The group id (group scope) or '' (community scope). */
  key: string;
  /** The mentioning event's id: the same mention is counted once. */
  id: string;
  at: number;
  windowMs: number;
  threshold: number;
  cooldownMs: number;
}

/**
 * Counts a mention in a group's or the community's shared window: many members write to the
 * same counter, so it lives in the Store and changes by atomic read-modify-write.
 */
export const countShared: ServiceHandler = async (req, env) => {
  const m = req.input as unknown as SharedMention;
  let tally: Tally = { fired: false, count: 0 };
  await env.store.updateShared<Counter>(req.tenant, NAMESPACE, `${m.signal}|${m.key}`, (cur) => {
    const r = countMention(cur ?? NO_COUNTER, { at: m.at, id: m.id }, m);
    tally = r.tally;
    return r.next;
  });
  return { signal: m.signal, key: m.key, ...tally };
};
