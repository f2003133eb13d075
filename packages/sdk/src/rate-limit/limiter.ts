import type { RateLimiterStore } from './store.js';
import { parseDuration, type RateLimit } from './types.js';
import type { BucketSpec } from './window.js';

/**
 * What one send is counted against. `connection` is the plugin instance's connection key
 * (`plugin.connectionKey(config)`), so every queue and playbook using the same bot token shares
 * one budget; `group` and `recipient` are present when the send has them.
 */
export interface RateLimitKey {
  connection: string;
  /** True for a message send (the default); false for other provider calls, which only `calls` limits count. */
  message?: boolean;
  group?: string | null;
  recipient?: string | null;
}

export interface RateLimiter {
  /**
   * Reserves a slot for one send and returns how long to wait before making it (0: now). The
   * slot is taken: the caller sends after the wait, without asking again. `now` is passed in,
   * so a virtual clock drives it in tests and simulation.
   */
  reserve(key: RateLimitKey, now: number): Promise<number>;
}

/** The buckets a send touches: one per limit whose scope the key has. */
export function bucketsFor(limits: readonly RateLimit[], key: RateLimitKey): BucketSpec[] {
  const out: BucketSpec[] = [];
  for (const l of limits) {
    if (l.counts === 'messages' && key.message === false) continue;
    const base = `${key.connection}|${l.name}`;
    if (l.scope === 'connection') out.push({ key: base, max: l.max, perMs: l.perMs });
    else if (l.scope === 'group' && key.group)
      out.push({ key: `${base}|g:${key.group}`, max: l.max, perMs: l.perMs });
    else if (l.scope === 'recipient' && key.recipient) {
      out.push({ key: `${base}|r:${key.recipient}`, max: l.max, perMs: l.perMs });
    }
  }
  return out;
}

/**
 * A rate limiter for one plugin instance's limits over a store (memory now, Redis later).
 * @example
 * const limiter = createRateLimiter(plugin.rateLimits, memoryRateLimiterStore());
 * const wait = await limiter.reserve({ connection: plugin.connectionKey(config), group: 'g1' }, clock.now());
 */
export function createRateLimiter(limits: readonly RateLimit[], store: RateLimiterStore): RateLimiter {
  return {
    async reserve(key, now) {
      const buckets = bucketsFor(limits, key);
      if (buckets.length === 0) return 0;
      return (await store.reserve(buckets, now)) - now;
    },
  };
}

/**
 * The plugin's limits plus a playbook instance's `rateLimit:` (which may only tighten them). The
 * extra limit is named after the instance, so it binds this playbook's use of the connection
 * without slowing other playbooks on the same bot.
 */
export function instanceLimits(
  pluginLimits: readonly RateLimit[],
  instance: string,
  extra: { max: number; per: number | string } | undefined,
): RateLimit[] {
  if (extra === undefined) return [...pluginLimits];
  const perMs = parseDuration(extra.per);
  if (perMs === null || perMs <= 0 || !Number.isInteger(extra.max) || extra.max <= 0) {
    throw new RangeError(
      `rateLimit of '${instance}' must have a positive integer max and a positive duration`,
    );
  }
  return [
    ...pluginLimits,
    {
      name: `instance:${instance}`,
      max: extra.max,
      perMs,
      scope: 'connection',
      counts: 'messages',
      description: 'set by the playbook',
    },
  ];
}
