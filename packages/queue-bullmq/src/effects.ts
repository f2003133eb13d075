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
      jobId: jobIdOf('x', e.effect.tenant, e.effect.key),
      data: { tenant: e.effect.tenant, key: e.effect.key },
    })),
  );
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
    let r = await runtime.deliverEffect(tenant, key);
    // A short rate-limit wait is waited out here: the slot the limiter reserved is held by this
    // process, and another worker taking the job would have to reserve (and waste) a new one.
    for (let n = 0; r.outcome === 'deferred' && r.availableAt !== null && n < 3; n++) {
      const wait = r.availableAt - runtime.clock.now();
      if (wait > HOLD_MS) break;
      stats.deferred++;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      r = await runtime.deliverEffect(tenant, key);
    }
    stats[r.outcome === 'not-due' ? 'notDue' : r.outcome]++;
    if (r.availableAt !== null) {
      await job.moveToDelayed(r.availableAt, token);
      throw new DelayedError();
    }
  };
}
