import type { Runtime } from '@kith/engine';
import { type Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FairQueue, jobIdOf, tenantDigest } from './fair.js';
import type { EventInbox, InboundEvent, InboundRef } from './inbox.js';
import { DEFAULT_PREFIX, type DrainJobData, EVENTS_QUEUE, type EventJobData, JOB_OPTIONS } from './jobs.js';
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

/**
 * Drain jobs: a job takes a batch of a tenant's saved events (`claimInbound`), so a job carries
 * many events and the queue's cost is shared by all of them. A tenant has at most one drain job
 * waiting: its id is the tenant's generation, which a worker moves on when it starts the job,
 * before it claims. So an event saved while the job waits is in its claim, and an event whose
 * request found the job already started is asked for under the next generation — a new job. Jobs
 * of every tenant are taken in turn (FIFO); a tenant with more than a batch queued asks for its
 * next job before running the batch, so other workers join in.
 */
export class EventDrains {
  constructor(
    readonly queue: Queue,
    private readonly redis: Redis,
  ) {}

  private generationKey(tenant: string): string {
    return this.queue.toKey(`kith-drain-gen:${tenantDigest(tenant)}`);
  }

  /** Asks for a drain job for each tenant (`delayMs`: not before then); returns how many were asked for. */
  async request(tenants: readonly string[], delayMs = 0): Promise<number> {
    const unique = [...new Set(tenants)];
    if (unique.length === 0) return 0;
    const generations = await this.redis.mget(...unique.map((t) => this.generationKey(t)));
    await this.queue.addBulk(
      unique.map((tenant, i) => ({
        name: 'drain',
        data: { tenant } satisfies DrainJobData,
        opts: {
          ...DRAIN_JOB_OPTIONS,
          jobId: `d-${tenantDigest(tenant)}-${generations[i] ?? '0'}`,
          ...(delayMs > 0 ? { delay: delayMs } : {}),
        },
      })),
    );
    return unique.length;
  }

  /** A worker took the tenant's job: requests from now on make a new one. */
  async started(tenant: string): Promise<void> {
    await this.redis.incr(this.generationKey(tenant));
  }
}

/**
 * A failed drain job is not kept: its id would stand for its generation, and the next request
 * for it would be swallowed. Its events stay in the inbox (released, or their claim expires).
 */
const DRAIN_JOB_OPTIONS = { ...JOB_OPTIONS, removeOnFail: true };

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

/** The API process's side: store the event, ask for a drain job of its tenant. */
export function createEventQueue(options: EventQueueOptions): EventQueue {
  const log = options.log ?? consoleLog;
  const redis = openProducerRedis(options.connection);
  redis.on('error', () => {});
  const queue = new Queue(EVENTS_QUEUE, { connection: redis, prefix: options.prefix ?? DEFAULT_PREFIX });
  queue.on('error', () => {});
  const drains = new EventDrains(queue, redis);
  return {
    async ingest(tenant, event) {
      checkEvent(tenant, event);
      if (!(await options.inbox.saveInbound(tenant, { ...event, tenant }))) return 'duplicate';
      try {
        await drains.request([tenant]);
      } catch (error) {
        log(
          'warn',
          `event '${event.id}' of '${tenant}' saved but not enqueued (${errorText(error)}); the sweep will`,
        );
      }
      return 'accepted';
    },
    async close() {
      await queue.close();
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

export interface DrainOptions {
  /** Events claimed per job. */
  batch: number;
  /** How long claimed events stay claimed by a worker that stopped (it died). */
  leaseMs: number;
}

/** Pause before asking again for events held back behind a member's earlier event. */
const BLOCKED_RETRY_MS = 100;

/**
 * The worker's side of a drain job: claims a batch of the tenant's events and runs them, each
 * member's events one after another in order, members side by side (the store coalesces their
 * reads and commits). A run that throws releases its member's remaining events and fails the job
 * after the others are done, so BullMQ retries it with backoff. A job run twice (its worker
 * stalled) claims other events; an event run twice is a duplicate for the runtime, whose timers
 * are then set again, because the crash may have come between the commit and the scheduling.
 */
export function drainProcessor(
  runtime: Runtime,
  inbox: EventInbox,
  drains: EventDrains,
  stats: EventStats,
  options: DrainOptions,
): (job: Job<DrainJobData>) => Promise<void> {
  return async (job) => {
    const { tenant } = job.data;
    await drains.started(tenant);
    const { events, blocked } = await inbox.claimInbound(tenant, options.batch, options.leaseMs);
    if (events.length >= options.batch) await drains.request([tenant]);
    else if (blocked) await drains.request([tenant], BLOCKED_RETRY_MS);
    if (events.length === 0) return;
    const lanes = new Map<string, InboundEvent[]>();
    for (const e of events) {
      const lane = typeof e.member === 'string' ? `m\u0000${e.member}` : `e\u0000${e.id}`;
      const list = lanes.get(lane);
      if (list === undefined) lanes.set(lane, [e]);
      else list.push(e);
    }
    const done: string[] = [];
    const released: string[] = [];
    let failure: unknown;
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (let i = 0; i < lane.length; i++) {
          const event = lane[i]!;
          try {
            const status = await runtime.ingest({ ...event, tenant });
            if (status === 'duplicate') {
              stats.duplicates++;
              if (typeof event.member === 'string') await runtime.rearmMember(tenant, event.member);
            } else stats.ingested++;
            done.push(event.id);
          } catch (error) {
            failure ??= error;
            for (const rest of lane.slice(i)) released.push(rest.id);
            return;
          }
        }
      }),
    );
    await inbox.settleInbound(tenant, done, released);
    if (failure !== undefined) throw failure;
  };
}

/**
 * The worker's side of a per-event job (what `createEventQueue` enqueued before drain jobs; kept
 * so that jobs queued by an older API still run): loads the event, ingests it, marks it done. A retried job (its worker died)
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
