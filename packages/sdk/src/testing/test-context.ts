import { resolveConfig } from '../config/resolve-config.js';
import { createPluginContext } from '../context/create-context.js';
import { memoryKv } from '../context/memory-kv.js';
import type { Fetch, KvStore, LogEntry, PluginClock, PluginContext } from '../context/types.js';
import type { Plugin, PluginConfig } from '../plugin/types.js';

export interface TestContextOptions {
  instance?: string;
  fetch?: Fetch;
  clock?: PluginClock;
  /** Share one across calls that must see each other's state (an invite, then the join). */
  kv?: KvStore;
  idempotencyKey?: string | null;
  attempt?: number;
  /** Collects log entries, to assert nothing secret was logged. */
  logs?: LogEntry[];
}

/**
 * A PluginContext for calling a plugin directly in a test: the config goes through
 * `resolveConfig` exactly as in the runtime (defaults, schema), and a bad one throws with every
 * issue, so a test never runs a plugin on a config the runtime would refuse.
 */
export function createTestContext<C = PluginConfig>(
  plugin: Plugin<C> | Plugin,
  config: Readonly<Record<string, unknown>>,
  options: TestContextOptions = {},
): PluginContext<C> {
  const resolved = resolveConfig(plugin as Plugin, config);
  if (!resolved.ok) {
    throw new Error(
      `invalid config for ${plugin.name}: ${resolved.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
    );
  }
  const logs = options.logs;
  return createPluginContext({
    plugin: plugin.name,
    instance: options.instance ?? 'test',
    config: resolved.config as C,
    secrets: resolved.secrets,
    fetch: options.fetch,
    clock: options.clock,
    kv: options.kv ?? memoryKv(options.clock),
    logSink: logs === undefined ? undefined : (e) => logs.push(e),
    idempotencyKey: options.idempotencyKey ?? null,
    attempt: options.attempt ?? 1,
  });
}
