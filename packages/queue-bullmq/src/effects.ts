import type { OutboxEntry, Runtime } from '@kith/engine';
import { DelayedError, type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FairQueue, jobIdOf } from './fair.js';
import { EFFECTS_QUEUE, type EffectJobData, JOB_OPTIONS } from './jobs.js';

/** Longest rate-limit wait an effect job sleeps through instead of going back to the queue. */
const HOLD_MS = 1000;

/** The fair queue of effect jobs. Failed jobs are removed: the outbox row is the record. */
export function effectJobs(redis: Redis, prefix: string): FairQueue<EffectJobData> {
  const queue = new Queue<EffectJobData>(EFFECTS_QUEUE, { connection: redis, prefix });
  queue.on('error', () => {});
  return new FairQueue(queue, redis, 'effect', { ...JOB_OPTIONS, removeOnFail: true });
}

export function enqueueEffects(
  jobs: FairQueue<EffectJobData>,
  entries: readonly OutboxEntry[],
): Promise<number> {
  return jobs.add(
    entries.map((e) => ({
      tenant: e.effect.tenant,
      jobId: effectJobId(e.effect.tenant, e.effect.key),
      data: { tenant: e.effect.tenant, key: e.effect.key },
    })),
  );
}

/** One job id per effect: a second enqueue while its job exists is a no-op. */
function effectJobId(tenant: string, key: string): string {
  return jobIdOf('x', tenant, key);
}

/** What the effect workers of this process did, by outcome (see `EffectDelivery`). */
export interface EffectStats {
  delivered: number;
  /** Delivery failed; retried later with backoff and jitter (the outbox's attempts). */
  failed: number;
  dead: number;
  /** Waiting for a send slot (rate limit, group cap): not an attempt. */
  deferred: number;
  skipped: number;
  /** Jobs for effects already delivered, dead or skipped: repeats the outbox absorbed. */
  settled: number;
  notDue: number;
  missing: number;
}

export function emptyEffectStats(): EffectStats {
  return { delivered: 0, failed: 0, dead: 0, deferred: 0, skipped: 0, settled: 0, notDue: 0, missing: 0 };
}

/**
 * Delivers an effect, and waits out here a rate-limit pause of up to `HOLD_MS` (three at most): the
 * slot the limiter reserved is held by this process, and another taking the effect would reserve
 * (and waste) a new one, then send late. `hold`: true waits; false never waits; a function is asked
 * before each wait and, answering false, ends the delivery here (undefined). Counts the outcome.
 */
async function deliverHolding(
  runtime: Runtime,
  tenant: string,
  key: string,
  stats: EffectStats,
  hold: boolean | (() => Promise<boolean>),
): Promise<Awaited<ReturnType<Runtime['deliverEffect']>> | undefined> {
  let r = await runtime.deliverEffect(tenant, key);
  for (let n = 0; r.outcome === 'deferred' && r.availableAt !== null && n < 3; n++) {
    const wait = r.availableAt - runtime.clock.now();
    if (wait > HOLD_MS || hold === false) break;
    if (hold !== true && !(await hold())) return undefined;
    stats.deferred++;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    r = await runtime.deliverEffect(tenant, key);
  }
  stats[r.outcome === 'not-due' ? 'notDue' : r.outcome]++;
  return r;
}

/**
 * Delivers the effect a job names through the outbox: only a pending, due effect is sent, so a
 * repeated job sends nothing. A delivery failure is settled in the outbox (attempts, backoff with
 * jitter, dead letter after the runtime's `maxAttempts`) and the job waits, delayed, until the
 * effect is due again — without spending a BullMQ attempt, which are for thrown errors only.
 */
export function effectProcessor(
  runtime: Runtime,
  jobs: FairQueue<EffectJobData>,
  stats: EffectStats,
): (job: Job<EffectJobData>, token?: string) => Promise<void> {
  return async (job, token) => {
    const { tenant, key } = job.data;
    if (job.attemptsStarted <= 1) await jobs.release(tenant);
    const r = (await deliverHolding(runtime, tenant, key, stats, true))!;
    if (r.availableAt !== null) {
      await job.moveToDelayed(r.availableAt, token);
      throw new DelayedError();
    }
  };
}

/**
 * Delivers the effects this process's commits claimed (`RelayStore.onCommittedEffects`) right
 * away, without an outbox poll or an effect job: an event's message goes out from the worker that
 * ran the event. Only a claimed effect comes here, and the claim keeps the relay from handing it
 * out meanwhile, so it is sent by one process at a time; if this process dies first, the claim
 * expires and the relay takes it. A failed or rate-limited delivery is settled back to pending
 * with its due time, and its effect job is queued at once, delayed to that time, as an effect job
 * would move itself: BullMQ starts it when the slot comes, and the relay's later enqueue of the
 * same effect is a no-op while it waits.
 */
export class InlineDeliveries {
  private queue: { tenant: string; key: string }[] = [];
  private head = 0;
  private running = 0;
  private closed = false;
  private idle: (() => void)[] = [];
  private lastWarning = 0;

  constructor(
    private readonly runtime: Runtime,
    /** The store's `reclaimEffect`, if it has one (see `RelayStore`). */
    private readonly reclaim: ((tenant: string, key: string) => Promise<boolean>) | undefined,
    private readonly jobs: FairQueue<EffectJobData>,
    private readonly stats: EffectStats,
    private readonly log: (level: 'warn', message: string) => void,
    private readonly concurrency: number,
  ) {}

  push(effects: readonly { tenant: string; key: string }[]): void {
    // after close: left claimed; the claims expire and the relay delivers them
    if (this.closed) return;
    this.queue.push(...effects);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.head < this.queue.length) {
      const next = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.running++;
      void this.deliver(next).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.head >= this.queue.length) for (const f of this.idle.splice(0)) f();
      });
    }
  }

  private async deliver(e: { tenant: string; key: string }): Promise<void> {
    let availableAt: number | null;
    try {
      // the effect is claimed again before each wait, so that the relay leaves it alone meanwhile
      const reclaim = this.reclaim;
      const r = await deliverHolding(
        this.runtime,
        e.tenant,
        e.key,
        this.stats,
        reclaim === undefined ? false : () => reclaim(e.tenant, e.key),
      );
      if (r === undefined) return;
      availableAt = r.availableAt;
    } catch (error) {
      // the store is away: the claim expires and the relay delivers it
      this.warn(`effect ${e.key} of '${e.tenant}' not delivered now (${String(error)}); the relay will`);
      return;
    }
    if (availableAt === null) return;
    try {
      await this.jobs.add([
        {
          tenant: e.tenant,
          jobId: effectJobId(e.tenant, e.key),
          data: { tenant: e.tenant, key: e.key },
          delayMs: availableAt - this.runtime.clock.now(),
        },
      ]);
    } catch (error) {
      // Redis is away: the effect is pending in the outbox, and the relay enqueues it when due
      this.warn(`effect ${e.key} of '${e.tenant}' waits for the relay (${String(error)})`);
    }
  }

  private warn(message: string): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.log('warn', message);
  }

  /** Delivers what is queued, then takes no more. */
  async close(): Promise<void> {
    if (this.running > 0 || this.head < this.queue.length)
      await new Promise<void>((resolve) => this.idle.push(resolve));
    this.closed = true;
  }
}
