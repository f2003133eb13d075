import type { BucketSpec, RateLimiterStore } from '@kith/sdk';
import type { Redis } from 'ioredis';
import { RESERVE_SCRIPT } from './rate-limit.lua.js';
import { redisRunId } from './redis.js';

export interface RedisRateLimiterStoreOptions {
  /** Key prefix for bucket state (default `kith:rl:`). On Redis Cluster, put a hash tag in it
   *  (`kith:rl:{rl}:`) so that every bucket of one reservation lives in one slot. */
  prefix?: string;
  /** How often Redis is asked whether it restarted (default 1 s; 0: before every reservation). */
  restartCheckMs?: number;
  /** Redis's identity (`run_id`); tests replace it to play a restart. */
  runId?: () => Promise<string | undefined>;
}

/**
 * The SDK's RateLimiterStore on Redis, shared by every worker: one Lua script finds the earliest
 * instant at which all buckets of a send have a token and spends one in each, atomically, with
 * exactly the sliding-window semantics of the in-memory store.
 */
export class RedisRateLimiterStore implements RateLimiterStore {
  private readonly prefix: string;
  private readonly restartCheckMs: number;
  private readonly runIdOf: () => Promise<string | undefined>;
  private runId: string | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;
  /** When a restart was noticed (clock of the reservations): the windows before it are lost. */
  private restartedAt: number | undefined;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'kith:rl:';
    this.restartCheckMs = options.restartCheckMs ?? 1000;
    this.runIdOf = options.runId ?? (() => redisRunId(redis));
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
    await this.checkRestart(now);
    // A Redis that restarted lost the sends booked in its last moments (even with AOF, up to a
    // second of writes): until a full window has passed since then, a bucket could take its whole
    // budget again on top of sends the provider already counted. So no slot is booked before.
    const from =
      this.restartedAt === undefined
        ? now
        : Math.max(now, this.restartedAt + Math.max(...buckets.map((b) => b.perMs)));
    const args: (string | number)[] = [buckets.length, ...buckets.map((b) => this.prefix + b.key), from];
    for (const b of buckets) args.push(b.max, b.perMs);
    const run = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<string>>)
      .kithReserve!;
    return Number(await run.apply(this.redis, args));
  }

  private async checkRestart(now: number): Promise<void> {
    if (now - this.checkedAt < this.restartCheckMs) return;
    this.checkedAt = now;
    const id = await this.runIdOf().catch(() => this.runId);
    if (this.runId !== undefined && id !== undefined && id !== this.runId) this.restartedAt = now;
    if (id !== undefined) this.runId = id;
  }
}
