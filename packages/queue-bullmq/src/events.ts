import type { Runtime } from '@kith/engine';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FairQueue, jobIdOf } from './fair.js';
import type { EventInbox, InboundEvent, InboundRef } from './inbox.js';
import { DEFAULT_PREFIX, EVENTS_QUEUE, type EventJobData, JOB_OPTIONS } from './jobs.js';
import { consoleLog, errorText, type WorkerLog } from './log.js';
import { openProducerRedis, type RedisConnection } from './redis.js';

/** Failed event jobs kept for inspection; a kept job is not enqueued again by the sweep. */
const EVENT_JOB_OPTIONS = { ...JOB_OPTIONS, removeOnFail: { count: 10_000 } };

/** The fair queue of event jobs on one connection (API side and worker side alike). */
export function eventJobs(redis: Redis, prefix: string): FairQueue<EventJobData> {
  const queue = new Queue<EventJobData>(EVENTS_QUEUE, { connection: redis, prefix });
  // Without a listener a dropped connection would be an unhandled 'error' event.
  queue.on('error', () => {});
  return new FairQueue(queue, redis, 'event', EVENT_JOB_OPTIONS);
}

/** Enqueues saved events (a job per (tenant, id); one already queued is left alone). */
export function enqueueEvents(jobs: FairQueue<EventJobData>, refs: readonly InboundRef[]): Promise<number> {
  return jobs.add(refs.map((r) => ({ tenant: r.tenant, jobId: jobIdOf('e', r.tenant, r.id), data: r })));
}

export interface EventQueueOptions {
  inbox: EventInbox;
  connection: RedisConnection;
  /** BullMQ key prefix; the workers' (default `kith`). */
  prefix?: string;
  log?: WorkerLog;
}

export type IngestResult = 'accepted' | 'duplicate';

export interface EventQueue {
  /**
   * Saves the event in the inbox and enqueues a job for it. 'duplicate': that (tenant, id) was
   * saved before. Accepted means durable: if Redis is unreachable the event stays in the inbox and
   * the workers' sweep enqueues it (logged), so the API keeps accepting events through a Redis outage.
   */
  ingest(tenant: string, event: InboundEvent): Promise<IngestResult>;
  close(): Promise<void>;
}

function checkEvent(tenant: string, event: InboundEvent): void {
  const where = `event for tenant '${tenant}'`;
  if (typeof tenant !== 'string' || tenant === '')
    throw new TypeError('ingest: tenant must be a non-empty string');
  if (typeof event !== 'object' || event === null) throw new TypeError(`ingest: ${where} must be an object`);
  if (typeof event.id !== 'string' || event.id === '')
    throw new TypeError(`ingest: ${where} needs an 'id' (a non-empty string, unique per tenant)`);
  if (typeof event.type !== 'string' || event.type === '')
    throw new TypeError(`ingest: ${where} '${event.id}' needs a 'type' such as 'member.joined'`);
  if (event.tenant !== undefined && event.tenant !== tenant)
    throw new TypeError(
      `ingest: event '${event.id}' says tenant '${event.tenant}' but was sent for '${tenant}'`,
    );
}

/** The API process's side: store the event, enqueue (tenant, id). */
export function createEventQueue(options: EventQueueOptions): EventQueue {
  const log = options.log ?? consoleLog;
  const redis = openProducerRedis(options.connection);
  redis.on('error', () => {});
  const jobs = eventJobs(redis, options.prefix ?? DEFAULT_PREFIX);
  return {
    async ingest(tenant, event) {
      checkEvent(tenant, event);
      if (!(await options.inbox.saveInbound(tenant, { ...event, tenant }))) return 'duplicate';
      try {
        await enqueueEvents(jobs, [{ tenant, id: event.id }]);
      } catch (error) {
        log(
          'warn',
          `event '${event.id}' of '${tenant}' saved but not enqueued (${errorText(error)}); the sweep will`,
        );
      }
      return 'accepted';
    },
    async close() {
      await jobs.queue.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export interface EventStats {
  ingested: number;
  /** Jobs for events already ingested (a retried job, a sweep racing a worker): absorbed. */
  duplicates: number;
  missing: number;
}

/**
 * The worker's side: loads the event, ingests it, marks it done. A retried job (its worker died)
 * whose commit had landed is a duplicate for the runtime; the member's timers are then set again,
 * because the crash may have come between the commit and the scheduling.
 */
export function eventProcessor(
  runtime: Runtime,
  inbox: EventInbox,
  jobs: FairQueue<EventJobData>,
  stats: EventStats,
  log: WorkerLog,
): (job: Job<EventJobData>) => Promise<void> {
  return async (job) => {
    const { tenant, id } = job.data;
    if (job.attemptsStarted <= 1) await jobs.release(tenant);
    const event = await inbox.loadInbound(tenant, id);
    if (event === undefined) {
      stats.missing++;
      log('warn', `event job for '${id}' of '${tenant}': no such event in the inbox; dropped`);
      return;
    }
    const status = await runtime.ingest({ ...event, tenant });
    if (status === 'duplicate') {
      stats.duplicates++;
      if (typeof event.member === 'string') await runtime.rearmMember(tenant, event.member);
    } else stats.ingested++;
    await inbox.markInboundDone(tenant, id);
  };
}
