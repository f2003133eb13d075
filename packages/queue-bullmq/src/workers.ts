import type { Runtime } from '@kith/engine';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  type EffectStats,
  effectJobs,
  effectProcessor,
  emptyEffectStats,
  InlineDeliveries,
} from './effects.js';
import { drainProcessor, EventDrains, type EventStats, eventJobs, eventProcessor } from './events.js';
import type { EventInbox } from './inbox.js';
import {
  DEFAULT_PREFIX,
  type DrainJobData,
  EFFECTS_QUEUE,
  type EffectJobData,
  EVENTS_QUEUE,
  type EventJobData,
} from './jobs.js';
import { consoleLog, errorText, type WorkerLog } from './log.js';
import { checkRedisSettings, openWorkerRedis, type RedisConnection } from './redis.js';
import { OutboxRelay, type RelayOptions, type RelayStats, type RelayStore } from './relay.js';
import { BullScheduler } from './scheduler.js';
import { TimerWorker } from './worker.js';

export interface WorkerConcurrency {
  /**
   * Drain jobs run at once by this process (default 4). Each runs up to `eventBatch` events side
   * by side, so a few keep a core busy; more only hold batches that another worker could run — with
   * 16 the first worker to wake took every job of a burst (all ten of `bench/throughput`'s) and the
   * second stood idle. A plain number for `concurrency` does not set this one.
   */
  events?: number;
  /** Effects delivered in parallel by this process (default 16). */
  effects?: number;
  /** Timers fired in parallel by this process (default 16). */
  timers?: number;
}

export interface StartWorkersOptions {
  /** Built with a `BullScheduler` on the same Redis and prefix, and the store below. */
  runtime: Runtime;
  /** The runtime's store (SqlStore): the outbox relay claims due effects from it. */
  store: RelayStore;
  inbox: EventInbox;
  connection: RedisConnection;
  /** BullMQ key prefix of the event and effect queues (default `kith`); the API's `createEventQueue` must use the same. */
  prefix?: string;
  /** One number for effects and timers (drain jobs keep their default), or one per kind. */
  concurrency?: number | WorkerConcurrency;
  log?: WorkerLog;
  relay?: RelayOptions;
  /**
   * How long a job stays locked to a worker that stopped renewing it (it died): its job is then
   * given to another worker (default 30 s; tests that kill workers use less). Also how long the
   * events a drain job claimed stay claimed.
   */
  lockDurationMs?: number;
  /** Events a drain job claims and runs together (default 1000: larger batches share more of each round trip). */
  eventBatch?: number;
  /**
   * Deliver the effects an event or a timer produced from the process that committed them, at once
   * (default true, when the store can claim at commit: SqlStore). Off: every effect goes through
   * the outbox relay and an effect job.
   */
  inlineEffects?: boolean;
}

export interface WorkerStats {
  events: EventStats;
  effects: EffectStats;
  timers: { fired: number; retried: number };
  relay: RelayStats;
}

export interface Workers {
  /** Stops taking jobs, waits for those in flight, stops the relay, closes connections. */
  close(): Promise<void>;
  /** What this process has done since it started. */
  stats(): WorkerStats;
}

/**
 * A job taken back from a dead worker is retried up to this many times before it fails: handlers
 * are idempotent (the store dedupes events and effects), so a crash loop costs time, not data.
 */
const MAX_STALLED = 20;

/** Drain jobs at once per process unless told otherwise (see `WorkerConcurrency.events`). */
const DEFAULT_DRAINS = 4;

function concurrencyOf(c: StartWorkersOptions['concurrency'], kind: keyof WorkerConcurrency): number {
  const fallback = kind === 'events' ? DEFAULT_DRAINS : 16;
  const n = typeof c === 'number' ? (kind === 'events' ? fallback : c) : (c?.[kind] ?? fallback);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `startWorkers: concurrency for ${kind} must be a positive integer (got ${String(n)})`,
    );
  }
  return n;
}

/** Reports a worker's connection errors without flooding the log while Redis is away. */
function throttled(log: WorkerLog, what: string): (error: Error) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    log('warn', `${what}: ${error.message}`);
  };
}

/**
 * Redis restarted and may have lost the last second of writes, timers among them: every waiting
 * member's timers are set again from the store (a timer still queued is left as it is). One
 * process does it per restart (a key set-if-absent under the new run id).
 */
async function rearmAfterRestart(
  runtime: Runtime,
  store: RelayStore,
  redis: Redis,
  prefix: string,
  runId: string,
  log: WorkerLog,
): Promise<void> {
  if (store.publishedTenants === undefined) {
    log('warn', 'Redis restarted; the store cannot list tenants, so call runtime.recover(tenant) for each');
    return;
  }
  const key = `${prefix}:kith-rearmed:${runId}`;
  if ((await redis.set(key, '1', 'EX', 86_400, 'NX')) !== 'OK') return;
  let armed = 0;
  try {
    for (const tenant of await store.publishedTenants()) armed += await runtime.recover(tenant);
  } catch (error) {
    // Let this or another process try again.
    await redis.del(key);
    throw error;
  }
  log('info', `timers of waiting members set again after the Redis restart: ${armed}`);
}

/**
 * Runs this process's share of the distributed mode: event jobs (inbox → `runtime.ingest`), effect
 * jobs (outbox → `runtime.deliverEffect`), timer jobs (`runtime.fire`) and the outbox relay.
 * Any number of processes may run it against the same Redis and database.
 */
export async function startWorkers(options: StartWorkersOptions): Promise<Workers> {
  const { runtime, inbox } = options;
  const log = options.log ?? consoleLog;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const scheduler = runtime.scheduler;
  if (!(scheduler instanceof BullScheduler)) {
    throw new TypeError(
      "startWorkers: the Runtime's scheduler must be a BullScheduler (new BullScheduler({ connection, prefix })) on the same Redis, so that timers are BullMQ jobs these workers fire",
    );
  }
  const timerPrefix = scheduler.queue.opts.prefix;
  if (timerPrefix !== prefix) {
    log(
      'warn',
      `the scheduler's prefix is '${timerPrefix}' and the workers' is '${prefix}'; use one prefix per deployment`,
    );
  }
  const concurrency = {
    events: concurrencyOf(options.concurrency, 'events'),
    effects: concurrencyOf(options.concurrency, 'effects'),
    timers: concurrencyOf(options.concurrency, 'timers'),
  };
  const eventBatch = options.eventBatch ?? 1000;
  if (!Number.isInteger(eventBatch) || eventBatch < 1)
    throw new RangeError(`startWorkers: eventBatch must be a positive integer (got ${String(eventBatch)})`);

  const connections: Redis[] = [];
  const open = (): Redis => {
    const r = openWorkerRedis(options.connection, log);
    r.on('error', () => {});
    connections.push(r);
    return r;
  };
  const redis = open();
  await checkRedisSettings(redis, log);

  const events = eventJobs(redis, prefix);
  const drains = new EventDrains(events.queue, redis);
  const effects = effectJobs(redis, prefix);
  const stats: Omit<WorkerStats, 'relay'> = {
    events: { ingested: 0, duplicates: 0, missing: 0 },
    effects: emptyEffectStats(),
    timers: { fired: 0, retried: 0 },
  };
  const stall = {
    maxStalledCount: MAX_STALLED,
    ...(options.lockDurationMs === undefined
      ? {}
      : { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }),
  };
  const onFailed =
    (kind: string) =>
    (job: { id?: string; attemptsMade: number; opts: { attempts?: number } } | undefined, error: Error) => {
      if (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1))
        log('error', `${kind} job ${job.id ?? '?'} failed for good: ${error.message}`);
    };

  const inline =
    (options.inlineEffects ?? true) && options.store.onCommittedEffects !== undefined
      ? new InlineDeliveries(
          runtime,
          options.store.reclaimEffect?.bind(options.store),
          effects,
          stats.effects,
          log,
          concurrency.effects * 4,
        )
      : undefined;
  const unsubscribe =
    inline === undefined ? undefined : options.store.onCommittedEffects?.((e) => inline.push(e));

  const drain = drainProcessor(runtime, inbox, drains, stats.events, {
    batch: eventBatch,
    leaseMs: options.lockDurationMs ?? 30_000,
  });
  const single = eventProcessor(runtime, inbox, events, stats.events, log);
  const eventWorker = new Worker<EventJobData | DrainJobData>(
    EVENTS_QUEUE,
    (job) => (job.name === 'drain' ? drain(job as Job<DrainJobData>) : single(job as Job<EventJobData>)),
    { connection: open(), prefix, concurrency: concurrency.events, ...stall },
  );
  eventWorker.on('error', throttled(log, 'event worker'));
  eventWorker.on('failed', onFailed('event'));

  const effectWorker = new Worker<EffectJobData>(
    EFFECTS_QUEUE,
    effectProcessor(runtime, effects, stats.effects),
    { connection: open(), prefix, concurrency: concurrency.effects, ...stall },
  );
  effectWorker.on('error', throttled(log, 'effect worker'));
  effectWorker.on('failed', onFailed('effect'));

  const timerWorker = new TimerWorker(
    async (timer, job) => {
      await runtime.fire(timer);
      stats.timers.fired++;
      if (job.retried) {
        stats.timers.retried++;
        if (timer.member !== null) await runtime.rearmMember(timer.tenant, timer.member);
      }
    },
    {
      connection: open(),
      queueName: scheduler.queue.name,
      ...(timerPrefix === undefined ? {} : { prefix: timerPrefix }),
      concurrency: concurrency.timers,
      maxStalledCount: MAX_STALLED,
      ...(options.lockDurationMs === undefined ? {} : { lockDurationMs: options.lockDurationMs }),
      onFailed: (t, error) =>
        log('error', `timer ${t.key} of '${t.tenant}' failed for good: ${error.message}`),
    },
  );

  const relay = new OutboxRelay(
    options.store,
    inbox,
    drains,
    effects,
    redis,
    () => runtime.clock.now(),
    log,
    (runId) => rearmAfterRestart(runtime, options.store, redis, prefix, runId, log),
    options.relay,
  );
  await Promise.all([eventWorker.waitUntilReady(), effectWorker.waitUntilReady(), timerWorker.ready()]);
  relay.start();
  log(
    'info',
    `workers started (prefix '${prefix}'; concurrency events ${concurrency.events}, effects ${concurrency.effects}, timers ${concurrency.timers})`,
  );

  let closing: Promise<void> | undefined;
  return {
    stats: () => ({
      events: { ...stats.events },
      effects: { ...stats.effects },
      timers: { ...stats.timers },
      relay: { ...relay.stats },
    }),
    close() {
      closing ??= (async () => {
        await relay.stop();
        const results = await Promise.allSettled([
          eventWorker.close(),
          effectWorker.close(),
          timerWorker.close(),
        ]);
        await inline?.close();
        unsubscribe?.();
        await Promise.allSettled([events.queue.close(), effects.queue.close()]);
        for (const c of connections) await c.quit().catch(() => c.disconnect());
        for (const r of results) if (r.status === 'rejected') log('warn', `closing: ${errorText(r.reason)}`);
        log('info', 'workers closed');
      })();
      return closing;
    },
  };
}
