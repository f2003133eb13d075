import { createHash } from 'node:crypto';
import type { BulkJobOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** BullMQ's largest priority; a tenant with more jobs queued than this gets plain FIFO among them. */
export const MAX_PRIORITY = 2_097_151;

/** A tenant's queued-jobs counter is forgotten after this long without a new job (heals drift). */
const COUNTER_TTL_MS = 10 * 60_000;

/**
 * Ranks jobs for the fair queue. KEYS: pairs (the tenant's counter, the job's hash). A job whose
 * hash exists is already queued (or running): rank 0, not added again. Otherwise the rank is the
 * tenant's number of queued jobs, this one included.
 */
const RANK_SCRIPT = `
local out = {}
local ttl = ARGV[1]
local max = tonumber(ARGV[2])
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i + 1]) == 1 then
    out[#out + 1] = 0
  else
    local n = redis.call('INCR', KEYS[i])
    redis.call('PEXPIRE', KEYS[i], ttl)
    if n > max then n = max end
    out[#out + 1] = n
  end
end
return out
`;

/** A job left the queue: the tenant has one fewer queued. */
const RELEASE_SCRIPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 1 then redis.call('DECR', KEYS[1]) elseif n == 1 then redis.call('DEL', KEYS[1]) end
return n
`;

export interface FairJob<T> {
  tenant: string;
  jobId: string;
  data: T;
  /** Not to run before this many milliseconds from now. */
  delayMs?: number;
}

/** A tenant's name as a fixed-length Redis key part (any characters, any length). */
export function tenantDigest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}

/**
 * Fairness across tenants on one BullMQ queue (BullMQ OSS has no groups): a job's priority is its
 * rank among its tenant's queued jobs. The k-th queued job of every tenant shares priority k, so
 * the workers take one job of each backlogged tenant in turn, round-robin, and a tenant with
 * 100,000 jobs queued delays a tenant with one job by at most one job per other tenant. Work-
 * conserving: a tenant alone gets every worker. Jobs already queued are not added again.
 */
/** The scripts as ioredis commands: sent by SHA after the first call, not as text every time. */
interface FairCommands {
  kithFairRank(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  kithFairRelease(numKeys: number, key: string): Promise<number>;
}

function commands(redis: Redis): FairCommands {
  const r = redis as Redis & Partial<FairCommands>;
  if (r.kithFairRank === undefined) redis.defineCommand('kithFairRank', { lua: RANK_SCRIPT });
  if (r.kithFairRelease === undefined) redis.defineCommand('kithFairRelease', { lua: RELEASE_SCRIPT });
  return r as Redis & FairCommands;
}

export class FairQueue<T> {
  private readonly scripts: FairCommands;

  constructor(
    readonly queue: Queue<T>,
    redis: Redis,
    private readonly name: string,
    private readonly options: BulkJobOptions,
  ) {
    this.scripts = commands(redis);
  }

  private counterKey(tenant: string): string {
    return this.queue.toKey(`kith-fair:${tenantDigest(tenant)}`);
  }

  /** Adds the jobs not already queued, each with its fair priority; returns how many were added. */
  async add(jobs: readonly FairJob<T>[]): Promise<number> {
    if (jobs.length === 0) return 0;
    const keys: string[] = [];
    for (const j of jobs) keys.push(this.counterKey(j.tenant), this.queue.toKey(j.jobId));
    const ranks = await this.scripts.kithFairRank(keys.length, ...keys, COUNTER_TTL_MS, MAX_PRIORITY);
    const fresh = jobs
      .map((j, i) => ({ j, rank: ranks[i] ?? 0 }))
      .filter((x) => x.rank > 0)
      .map(({ j, rank }) => ({
        name: this.name,
        data: j.data,
        opts: {
          ...this.options,
          jobId: j.jobId,
          priority: rank,
          ...(j.delayMs !== undefined && j.delayMs > 0 ? { delay: j.delayMs } : {}),
        },
      }));
    // BullMQ derives the name type from T through a conditional type that TypeScript cannot
    // resolve for a generic T; the jobs are exactly { name, data: T, opts }.
    if (fresh.length > 0) await this.queue.addBulk(fresh as Parameters<Queue<T>['addBulk']>[0]);
    return fresh.length;
  }

  /** Called when a worker takes a job for the first time. */
  async release(tenant: string): Promise<void> {
    await this.scripts.kithFairRelease(1, this.counterKey(tenant));
  }
}

/** A BullMQ job id from parts that may contain anything (BullMQ ids may not contain ':'). */
export function jobIdOf(kind: string, tenant: string, id: string): string {
  return `${kind}-${createHash('sha256').update(tenant).update('\u0000').update(id).digest('hex')}`;
}
