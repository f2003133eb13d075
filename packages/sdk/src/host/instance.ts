import { type ConfigIssue, resolveConfig, type SecretSource } from '../config/resolve-config.js';
import { contextIncompatibility } from '../context/compat.js';
import { memoryKv } from '../context/memory-kv.js';
import type { Fetch, KvStore, LogSink, PluginClock } from '../context/types.js';
import type { Plugin, PluginConfig } from '../plugin/types.js';
import { instanceLimits } from '../rate-limit/limiter.js';
import type { RateLimit } from '../rate-limit/types.js';

/** A plugin bound to one playbook instance (`channels: { group: … }`), ready to run. */
export interface PluginInstance {
  /** The instance id in the playbook (`group`); effects name it in `target`. */
  readonly id: string;
  readonly plugin: Plugin;
  /** The exact plugin version, which the runtime records on each journey instance. */
  readonly version: string;
  readonly config: PluginConfig;
  readonly secrets: readonly string[];
  /** `plugin.connectionKey(config)`: rate limits are counted per connection, not per queue. */
  readonly connection: string;
  readonly limits: readonly RateLimit[];
  readonly fetch: Fetch | undefined;
  readonly kv: KvStore;
  readonly logSink: LogSink | undefined;
}

export interface InstanceOptions {
  id: string;
  plugin: Plugin;
  /** The playbook's `with:` block, `${secrets.X}` references included. */
  with?: Readonly<Record<string, unknown>>;
  secrets?: SecretSource;
  /** The playbook's `rateLimit:` for this instance (tightens the plugin's own). */
  rateLimit?: { max: number; per: number | string };
  fetch?: Fetch;
  kv?: KvStore;
  clock?: PluginClock;
  logSink?: LogSink;
}

export type InstanceResult = { ok: true; instance: PluginInstance } | { ok: false; issues: ConfigIssue[] };

/** Binds a plugin to its configuration: context version, config and rate limits are checked here, once. */
export function instantiatePlugin(options: InstanceOptions): InstanceResult {
  const { plugin, id } = options;
  const incompatible = contextIncompatibility(plugin);
  if (incompatible !== null)
    return { ok: false, issues: [{ code: 'invalid', path: '/', message: incompatible }] };
  const resolved = resolveConfig(plugin, options.with, options.secrets);
  if (!resolved.ok) return resolved;
  let limits: RateLimit[];
  try {
    limits = instanceLimits(plugin.rateLimits, id, options.rateLimit);
  } catch (e) {
    return { ok: false, issues: [{ code: 'invalid', path: '/rateLimit', message: (e as Error).message }] };
  }
  return {
    ok: true,
    instance: Object.freeze({
      id,
      plugin,
      version: plugin.version,
      config: resolved.config,
      secrets: resolved.secrets,
      connection: plugin.connectionKey(resolved.config),
      limits,
      fetch: options.fetch,
      kv: options.kv ?? memoryKv(options.clock),
      logSink: options.logSink,
    }),
  };
}
