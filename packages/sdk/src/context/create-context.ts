import { createLogger, silentSink } from './logger.js';
import { memoryKv } from './memory-kv.js';
import {
  CONTEXT_VERSION,
  type Fetch,
  type KvStore,
  type LogSink,
  type PluginClock,
  type PluginContext,
} from './types.js';

export interface ContextOptions<C> {
  plugin: string;
  instance: string;
  config: C;
  /** Secret values to redact from logs (`resolveConfig` returns them). */
  secrets?: readonly string[];
  fetch?: Fetch;
  clock?: PluginClock;
  kv?: KvStore;
  logSink?: LogSink;
  idempotencyKey?: string | null;
  attempt?: number;
}

/** The global fetch, looked up per call so that a test's stub of `globalThis.fetch` is seen. */
const defaultFetch: Fetch = (input, init) => globalThis.fetch(input, init);

/** Builds a v1 PluginContext; hosts and the test kit call this, plugins never do. */
export function createPluginContext<C>(options: ContextOptions<C>): PluginContext<C> {
  const clock = options.clock ?? { now: () => Date.now() };
  return Object.freeze({
    contextVersion: CONTEXT_VERSION,
    instance: options.instance,
    config: Object.freeze(options.config),
    logger: createLogger({
      plugin: options.plugin,
      instance: options.instance,
      secrets: options.secrets ?? [],
      sink: options.logSink ?? silentSink,
    }),
    fetch: options.fetch ?? defaultFetch,
    clock,
    kv: options.kv ?? memoryKv(clock),
    idempotencyKey: options.idempotencyKey ?? null,
    attempt: options.attempt ?? 1,
  });
}
