import { createHash } from 'node:crypto';
import type { Scheduler, Timer } from '@kith/engine';
import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface BullSchedulerOptions {
  /** An ioredis instance, created with `maxRetriesPerRequest: null` as BullMQ requires. */
  connection: Redis;
  /** Queue name (default `kith-timers`). */
  queueName?: string;
  /** Redis key prefix for the queue (default BullMQ's `bull`); one per deployment or test. */
  prefix?: string;
  /** Wall clock in epoch ms, used to turn `timer.at` into a BullMQ delay (default `Date.now`). */
  now?: () => number;
  /** Attempts and backoff when the handler throws (default 8 attempts, exponential from 1 s). */
  attempts?: number;
  backoffMs?: number;
}

export const DEFAULT_QUEUE_NAME = 'kith-timers';

/**
 * The BullMQ job id of a timer: deterministic per (tenant, key, at), so scheduling the same timer
 * twice is one job. Hashed because BullMQ ids may not contain ':'. The due time is part of the id
 * so that a timer re-armed while its previous job is being fired (a recurring schedule) is a new
 * job rather than a no-op against the locked one.
 */
export function timerJobId(tenant: string, key: string, at: number): string {
  return `t-${timerSlot(tenant, key)}-${at}`;
}

/** The field for (tenant, key) in the hash of current job ids. */
export function timerSlot(tenant: string, key: string): string {
  return createHash('sha256').update(tenant).update('\0').update(key).digest('hex');
}

/** The hash of each timer's current job id, beside the queue's own keys. */
export function currentJobsKey(prefix: string | undefined, queueName: string): string {
  return `${prefix ?? 'bull'}:${queueName}:kith-current`;
}

/** Forgets a timer's current job id if it is still `jobId` (a newer schedule wins). */
export const FORGET_SCRIPT = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
`;

/**
 * The engine's Scheduler port on BullMQ: each timer is a delayed job whose id is derived from its
 * tenant and key and whose data is the Timer itself (ids and the small `data` the port passes).
 * A `TimerWorker` fires due timers; `takeDue`/`nextAt` serve a Runtime that polls with `tick()`.
 */
export class BullScheduler implements Scheduler {
  readonly queue: Queue<Timer>;
  private readonly redis: Redis;
  private readonly current: string;
  private readonly now: () => number;
  private readonly jobOptions: JobsOptions;

  constructor(options: BullSchedulerOptions) {
    const name = options.queueName ?? DEFAULT_QUEUE_NAME;
    this.redis = options.connection;
    this.current = currentJobsKey(options.prefix, name);
    this.queue = new Queue<Timer>(name, {
      connection: options.connection,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    });
    // Without a listener a dropped connection would be an unhandled 'error' event; ioredis
    // reconnects and the queue resumes on its own.
    this.queue.on('error', () => {});
    this.now = options.now ?? Date.now;
    this.jobOptions = {
      attempts: options.attempts ?? 8,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    };
  }

  /** The id of the job currently holding a timer, if any. */
  async jobId(tenant: string, key: string): Promise<string | undefined> {
    return (await this.redis.hget(this.current, timerSlot(tenant, key))) ?? undefined;
  }

  /**
   * Sets each timer; the same key again replaces it: the previous job is removed, unless it is
   * being fired at that moment (then it completes, and the engine ignores it if stale). The same
   * timer twice is one job. Two processes re-arming one key concurrently may leave both jobs,
   * which the port's at-least-once contract allows.
   */
  async schedule(timers: readonly Timer[]): Promise<void> {
    for (const timer of timers) {
      const slot = timerSlot(timer.tenant, timer.key);
      const jobId = timerJobId(timer.tenant, timer.key, timer.at);
      const previous = await this.redis.hget(this.current, slot);
      if (previous === jobId) {
        const existing = await this.queue.getJob(jobId);
        const state = existing === undefined ? undefined : await existing.getState();
        if (existing !== undefined && sameTimer(existing.data, timer) && state !== 'failed') continue;
        await this.queue.remove(jobId);
      } else if (previous !== null) {
        await this.queue.remove(previous);
      }
      await this.redis.hset(this.current, slot, jobId);
      await this.queue.add(timer.kind, timer, {
        ...this.jobOptions,
        jobId,
        delay: Math.max(0, timer.at - this.now()),
      });
    }
  }

  async cancel(tenant: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const slot = timerSlot(tenant, key);
      const jobId = await this.redis.hget(this.current, slot);
      if (jobId === null) continue;
      await this.queue.remove(jobId);
      await this.redis.eval(FORGET_SCRIPT, 1, this.current, slot, jobId);
    }
  }

  /**
   * Removes and returns timers due by `now`, earliest first, for a Runtime that polls instead of
   * running a TimerWorker. Each removal is atomic, so a timer goes to one caller only; a timer
   * a worker is firing at that moment is locked and left to it.
   */
  async takeDue(now: number, limit: number): Promise<Timer[]> {
    const candidates = await this.pending(limit);
    const out: Timer[] = [];
    for (const t of candidates) {
      if (out.length >= limit || t.at > now) break;
      const jobId = timerJobId(t.tenant, t.key, t.at);
      if ((await this.queue.remove(jobId)) === 1) {
        out.push(t);
        await this.redis.eval(FORGET_SCRIPT, 1, this.current, timerSlot(t.tenant, t.key), jobId);
      }
    }
    return out;
  }

  async nextAt(): Promise<number | undefined> {
    const [waiting, delayed] = await Promise.all([
      this.queue.getWaiting(0, SCAN_WAITING - 1),
      this.queue.getDelayed(0, 0),
    ]);
    return earliest([...waiting, ...delayed])[0]?.at;
  }

  /**
   * Timers waiting (already due, in arrival order in BullMQ) or delayed (ordered by due time):
   * up to `limit` of each, earliest first.
   */
  async pending(limit = SCAN_WAITING): Promise<Timer[]> {
    const [waiting, delayed] = await Promise.all([
      this.queue.getWaiting(0, limit - 1),
      this.queue.getDelayed(0, limit - 1),
    ]);
    return earliest([...waiting, ...delayed]);
  }

  /** Deletes every job and key of the queue (tests, tenant teardown). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
    await this.redis.del(this.current);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** How many waiting (due) jobs `nextAt` looks at: they are due already, in arrival order. */
const SCAN_WAITING = 1000;

function earliest(jobs: readonly ({ data: Timer } | undefined | null)[]): Timer[] {
  return jobs
    .filter((j): j is { data: Timer } => j !== undefined && j !== null)
    .map((j) => j.data)
    .sort((a, b) => a.at - b.at);
}

function sameTimer(a: Timer, b: Timer): boolean {
  return (
    a.at === b.at &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.member === b.member &&
    JSON.stringify(a.data) === JSON.stringify(b.data)
  );
}
