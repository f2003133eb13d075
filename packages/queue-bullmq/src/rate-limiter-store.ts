import type { BucketSpec, RateLimiterStore } from '@kith/sdk';
import type { Redis } from 'ioredis';
import { RESERVE_SCRIPT } from './rate-limit.lua.js';

export interface RedisRateLimiterStoreOptions {
  /** Key prefix for bucket state (default `kith:rl:`). On Redis Cluster, put a hash tag in it
   *  (`kith:rl:{rl}:`) so that every bucket of one reservation lives in one slot. */
  prefix?: string;
}

/**
 * The SDK's RateLimiterStore on Redis, shared by every worker: one Lua script finds the earliest
 * instant at which all buckets of a send have a token and spends one in each, atomically, with
 * exactly the sliding-window semantics of the in-memory store.
 */
export class RedisRateLimiterStore implements RateLimiterStore {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'kith:rl:';
    if (typeof (redis as unknown as Record<string, unknown>).kithReserve !== 'function') {
      redis.defineCommand('kithReserve', { lua: RESERVE_SCRIPT });
    }
  }

  async reserve(buckets: readonly BucketSpec[], now: number): Promise<number> {
    if (buckets.length === 0) return now;
    for (const b of buckets) {
      if (!Number.isInteger(b.max) || b.max < 1 || !(b.perMs > 0)) {
        throw new RangeError(`bucket '${b.key}' needs a positive integer max and a positive perMs`);
      }
    }
    const args: (string | number)[] = [buckets.length, ...buckets.map((b) => this.prefix + b.key), now];
    for (const b of buckets) args.push(b.max, b.perMs);
    const run = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<string>>)
      .kithReserve!;
    return Number(await run.apply(this.redis, args));
  }
}
