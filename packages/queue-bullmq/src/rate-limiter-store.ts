import type { BucketSpec, RateLimiterStore } from '@kith/sdk';
import type { Redis } from 'ioredis';
import { RESERVE_SCRIPT } from './rate-limit.lua.js';

export interface RedisRateLimiterStoreOptions {
  /** Key prefix for bucket state (default `kith:rl:`). On Redis Cluster, put a hash tag in it
   *  (`kith:rl:{rl}:`) so that every bucket of one reservation (and the boot marker) lives in one slot. */
  prefix?: string;
  /** Redis's identity (`run_id`, read by the script itself when not given); tests replace it to play a restart. */
  runId?: () => Promise<string | undefined>;
}

/**
 * The SDK's RateLimiterStore on Redis, shared by every worker: one Lua script finds the earliest
 * instant at which all buckets of a send have a token and spends one in each, atomically, with
 * exactly the sliding-window semantics of the in-memory store. The same script notices a Redis
 * restart (see `RESERVE_SCRIPT`) and books nothing within the longest window of a send after it:
 * asked from each process once a second, as before, the bookings made meanwhile on the emptied
 * buckets let 58 POSTs into one second at a 30/s endpoint in the chaos test.
 */
export class RedisRateLimiterStore implements RateLimiterStore {
  private readonly prefix: string;
  private readonly runIdOf: (() => Promise<string | undefined>) | undefined;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'kith:rl:';
    this.runIdOf = options.runId;
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
    const runId = this.runIdOf === undefined ? '' : ((await this.runIdOf()) ?? '');
    const args: (string | number)[] = [
      buckets.length + 1,
      ...buckets.map((b) => this.prefix + b.key),
      `${this.prefix}~boot`,
      now,
      runId,
    ];
    for (const b of buckets) args.push(b.max, b.perMs);
    const run = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<string>>)
      .kithReserve!;
    return Number(await run.apply(this.redis, args));
  }
}
