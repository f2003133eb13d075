import { FIRST_PARTY_PLUGINS } from '@kith/catalogue';
import {
  type Clock,
  type EventInput,
  type IngestStatus,
  Runtime,
  systemClock,
  type Timer,
} from '@kith/engine';
import {
  BullScheduler,
  createEventQueue,
  DEFAULT_PREFIX,
  EFFECTS_QUEUE,
  EVENTS_QUEUE,
  RedisRateLimiterStore,
  startWorkers,
  type WorkerConcurrency,
  type Workers,
} from '@kith/queue-bullmq';
import { type Plugin, toDeliveryResult } from '@kith/sdk';
import { pgSqlFromUrl, SqlStore } from '@kith/store-sql';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { EngineHost, Logger, ServerDeps } from '../contract.js';
import { loadSecretKey, SecretBox } from '../control/secret-box.js';
import { SqlControlStore } from '../control/sql.js';
import { createActivityBus } from '../live/bus.js';
import { activityObserver } from '../live/observer.js';
import { jsonLogger, Redactor } from '../obs/logger.js';
import { type ServerMetrics, serverMetrics } from '../obs/metrics.js';
import type { Host } from './create-host.js';
import { PluginHost } from './plugins.js';
import { pumpSandboxPayments } from './sandbox-pump.js';
import { Sandboxes } from './sandboxes.js';

export interface DistributedConfig {
  databaseUrl: string;
  redisUrl: string;
  /** `api`: events are queued for the workers; `worker`: takes event, effect and timer jobs. */
  role: 'api' | 'worker';
  /** BullMQ key prefix, one per deployment (default `kith`). */
  prefix?: string;
  env?: Record<string, string | undefined>;
  log?: Logger;
  redactor?: Redactor;
  plugins?: readonly Plugin[];
  clock?: Clock;
  metrics?: ServerMetrics;
  concurrency?: number | WorkerConcurrency;
}

/** The distributed mode's host: PostgreSQL for state, Redis (BullMQ) for events, effects and timers. */
export interface DistributedHost extends Host {
  /** The BullMQ queues (bull-board shows them). */
  readonly queues: Queue[];
  /** The worker side, in a worker process. */
  readonly workers: Workers | undefined;
}

/**
 * A worker's runtime: a tenant first published after this process started (by the API process)
 * is compiled from the store before its first event or timer, instead of the event being
 * consumed with no playbook. `load` is a no-op once the tenant is known.
 */
class WorkerRuntime extends Runtime {
  override async ingest(input: EventInput): Promise<IngestStatus> {
    await this.load(input.tenant);
    return super.ingest(input);
  }

  override async fire(timer: Timer): Promise<void> {
    await this.load(timer.tenant);
    return super.fire(timer);
  }
}

/**
 * Every process of the distributed mode must decrypt the same secrets: the key cannot be made up
 * per process, so it has to come from the environment.
 */
function sharedKey(env: Record<string, string | undefined>): Buffer {
  if (!env.KITH_SECRET_KEY) {
    throw new Error(
      'KITH_SECRET_KEY is not set: in the distributed mode every `kith serve` and `kith worker` must share it (64 hex characters; `openssl rand -hex 32`)',
    );
  }
  return loadSecretKey(env);
}

export async function createDistributedHost(config: DistributedConfig): Promise<DistributedHost> {
  const env = config.env ?? process.env;
  const box = new SecretBox(sharedKey(env));
  const clock = config.clock ?? systemClock;
  const now = () => clock.now();
  const logger = config.log ?? jsonLogger();
  const redactor = config.redactor ?? (logger as Partial<{ redactor: Redactor }>).redactor ?? new Redactor();
  const metrics = config.metrics ?? serverMetrics();
  const prefix = config.prefix ?? DEFAULT_PREFIX;
  const workerLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) =>
    logger.log(level, message, { component: 'queue' });

  const sql = pgSqlFromUrl(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', () => undefined);
  const closeAll = async () => {
    await sql.close().catch(() => undefined);
    redis.disconnect();
  };
  try {
    const store = new SqlStore(sql);
    await store.migrate();
    const control = await SqlControlStore.open(sql, box, { now });
    const scheduler = new BullScheduler({ connection: redis, prefix, now });
    const sandboxes = new Sandboxes(clock);
    const plugins = new PluginHost({
      plugins: config.plugins ?? FIRST_PARTY_PLUGINS,
      store,
      control,
      sandboxes,
      clock,
      redactor,
      limiterStore: new RedisRateLimiterStore(redis, { prefix: `${prefix}:rl:` }),
    });
    const activity = createActivityBus();
    const runtime = new WorkerRuntime({
      store,
      scheduler,
      clock,
      effects: {
        deliver: async (effect, attempt) => toDeliveryResult(await plugins.attempt(effect, attempt)),
      },
      kernel: { trace: true },
      observer: activityObserver(activity, now),
    });
    for (const tenant of await store.publishedTenants()) await runtime.load(tenant);

    const queues = [EVENTS_QUEUE, EFFECTS_QUEUE].map(
      (name) => new Queue(name, { connection: redis, prefix }),
    );
    queues.push(scheduler.queue);
    metrics.registry.collect(async () => {
      for (const q of queues) {
        const counts = await q.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        for (const [state, n] of Object.entries(counts)) metrics.queueDepth.set({ queue: q.name, state }, n);
      }
    });

    let workers: Workers | undefined;
    // both roles take events the same way: saved in the inbox, then a job for the workers
    const queue = createEventQueue({ inbox: store, connection: config.redisUrl, prefix, log: workerLog });
    const ingest: EngineHost['ingest'] = async (tenant, event) => {
      const result = await queue.ingest(tenant, { ...event, tenant });
      metrics.eventsIngested.inc({ result });
      return result;
    };
    let closeRole: () => Promise<void> = () => queue.close();
    if (config.role === 'worker') {
      workers = await startWorkers({
        runtime,
        store,
        inbox: store,
        connection: config.redisUrl,
        prefix,
        concurrency: config.concurrency,
        log: workerLog,
      });
      // the payment sandbox lives in the process that delivers its checkouts: this one
      const stopPump = pumpSandboxPayments(sandboxes, plugins, ingest, logger);
      closeRole = async () => {
        stopPump();
        await workers?.close();
        await queue.close();
      };
    }

    const engine: EngineHost = {
      runtime,
      store,
      ingest,
      async ready() {
        await sql.query('SELECT 1');
        return (await redis.ping()) === 'PONG';
      },
    };
    const deps: ServerDeps = { engine, control, activity, log: logger, now };
    return {
      mode: 'distributed',
      deps,
      plugins,
      sandboxes,
      metrics,
      activity,
      dataDir: undefined,
      queues,
      workers,
      settle: async () => undefined,
      async close() {
        await closeRole();
        for (const q of queues) if (q !== scheduler.queue) await q.close();
        await scheduler.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
