import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { FIRST_PARTY_PLUGINS } from '@kith/catalogue';
import {
  type Clock,
  type EventInput,
  MemoryScheduler,
  MemoryStore,
  Runtime,
  type Scheduler,
  type Store,
  systemClock,
  type TickReport,
} from '@kith/engine';
import { type Plugin, toDeliveryResult } from '@kith/sdk';
import { openPglite, type Sql, SqlScheduler, SqlStore, startEmbeddedLoop } from '@kith/store-sql';
import type { EngineHost, IngestResult, Logger, ServerDeps } from '../contract.js';
import { MemoryControlStore } from '../control/memory.js';
import { loadSecretKey, SecretBox } from '../control/secret-box.js';
import { SqlControlStore } from '../control/sql.js';
import type { ControlStore } from '../control/types.js';
import { createActivityBus, type LiveBus } from '../live/bus.js';
import { activityObserver } from '../live/observer.js';
import { jsonLogger, Redactor } from '../obs/logger.js';
import { type ServerMetrics, serverMetrics } from '../obs/metrics.js';
import { MemoryLoop } from './memory-loop.js';
import { PluginHost } from './plugins.js';
import { pumpSandboxPayments } from './sandbox-pump.js';
import { Sandboxes } from './sandboxes.js';

export type HostMode = 'memory' | 'embedded' | 'distributed';

export interface HostConfig {
  /**
   * `embedded` (default): PGlite in `dataDir`, timers in it, one loop in this process.
   * `memory`: everything in memory (tests, throwaway demos); nothing survives the process.
   */
  mode?: Exclude<HostMode, 'distributed'>;
  /** Where the embedded database, the secret key and the admin token live. Default `./.kith`. */
  dataDir?: string;
  /** KITH_SECRET_KEY is read from here (default: process.env). */
  env?: Record<string, string | undefined>;
  log?: Logger;
  /** The redactor the logger uses: tenant secrets are registered with it as they are read. */
  redactor?: Redactor;
  plugins?: readonly Plugin[];
  clock?: Clock;
  /** Longest sleep of the loop between looks (ms). */
  pollMs?: number;
  metrics?: ServerMetrics;
}

/** A running engine with its control plane: what `createApp` and `serve` run on. */
export interface Host {
  readonly mode: HostMode;
  readonly deps: ServerDeps;
  readonly plugins: PluginHost;
  readonly sandboxes: Sandboxes;
  readonly metrics: ServerMetrics;
  readonly activity: LiveBus;
  /** Where the embedded data lives (undefined in memory). */
  readonly dataDir: string | undefined;
  /** Ticks the runtime now and resolves when that tick is done (tests, and after an ingest). */
  settle(): Promise<void>;
  /** Stops the loop after the tick in progress and closes the stores. */
  close(): Promise<void>;
}

/**
 * Builds the engine and everything around it for one process: stores, scheduler, the plugins
 * (effects out, webhooks in, secrets from the control store at delivery time), the loop that
 * fires timers and delivers effects, and the payment sandbox's webhooks fed back in.
 */
export async function createHost(config: HostConfig = {}): Promise<Host> {
  const mode = config.mode ?? 'embedded';
  const clock = config.clock ?? systemClock;
  const now = () => clock.now();
  const logger = config.log ?? jsonLogger();
  const redactor = config.redactor ?? (logger as Partial<{ redactor: Redactor }>).redactor ?? new Redactor();
  const metrics = config.metrics ?? serverMetrics();
  const plugins = config.plugins ?? FIRST_PARTY_PLUGINS;
  const env = config.env ?? process.env;
  const dataDir = mode === 'embedded' ? resolve(config.dataDir ?? '.kith') : undefined;
  const box = new SecretBox(loadSecretKey(env, dataDir));

  let sql: Sql | undefined;
  let store: Store;
  let scheduler: Scheduler;
  let control: ControlStore;
  if (mode === 'embedded' && dataDir !== undefined) {
    mkdirSync(dataDir, { recursive: true });
    sql = await openPglite(resolve(dataDir, 'db'));
    const sqlStore = new SqlStore(sql);
    await sqlStore.migrate();
    store = sqlStore;
    scheduler = new SqlScheduler(sql);
    control = await SqlControlStore.open(sql, box, { now });
  } else {
    store = new MemoryStore();
    scheduler = new MemoryScheduler();
    control = new MemoryControlStore(box, now);
  }

  const sandboxes = new Sandboxes(clock);
  const pluginHost = new PluginHost({ plugins, store, control, sandboxes, clock, redactor });
  const activity = createActivityBus();
  const runtime = new Runtime({
    store,
    scheduler,
    clock,
    effects: {
      deliver: async (effect, attempt) => toDeliveryResult(await pluginHost.attempt(effect, attempt)),
    },
    kernel: { trace: true },
    observer: activityObserver(activity, now),
  });

  const onTick = (r: TickReport) => {
    for (const outcome of ['delivered', 'failed', 'dead', 'deferred', 'skipped'] as const) {
      const n = r.effects[outcome];
      if (n > 0) metrics.effects.inc({ outcome }, n);
    }
  };
  const onError = (error: unknown) => logger.log('error', 'engine loop failed a tick; retrying', { error });

  let loop: { wake(): Promise<void>; stop(): Promise<void>; readonly running: boolean };
  if (sql !== undefined && store instanceof SqlStore && scheduler instanceof SqlScheduler) {
    loop = startEmbeddedLoop({ runtime, scheduler, store, pollMs: config.pollMs ?? 1000, onTick, onError });
  } else {
    loop = new MemoryLoop(runtime, config.pollMs ?? 100, onTick, onError);
  }

  const ingest = async (tenant: string, event: EventInput): Promise<IngestResult> => {
    const status = await runtime.ingest({ ...event, tenant });
    const result: IngestResult = status === 'duplicate' ? 'duplicate' : 'accepted';
    metrics.eventsIngested.inc({ result });
    if (result === 'accepted') void loop.wake().catch(() => undefined);
    return result;
  };

  const stopPump = pumpSandboxPayments(sandboxes, pluginHost, ingest, logger);

  const engine: EngineHost = {
    runtime,
    store,
    ingest,
    async ready() {
      if (!loop.running) return false;
      if (sql !== undefined) await sql.query('SELECT 1');
      return true;
    },
  };

  const deps: ServerDeps = { engine, control, activity, log: logger, now };

  return {
    mode,
    deps,
    plugins: pluginHost,
    sandboxes,
    metrics,
    activity,
    dataDir,
    settle: () => loop.wake(),
    async close() {
      stopPump();
      await loop.stop();
      await control.close();
      if (sql !== undefined) await sql.close();
    },
  };
}
