/**
 * The plugin context, version 1: everything a plugin may touch of the outside world. A plugin
 * never imports the runtime; it receives this. Fields are only ever added to v1 (optional ones),
 * never changed or removed: a change that breaks plugins is a v2, and plugins declare the version
 * they were built for (`contextVersion`).
 */
export const CONTEXT_VERSION = 1;
export type ContextVersion = typeof CONTEXT_VERSION;

/** `fetch` as plugins use it: the global one, or a fake's handler in tests. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where the host sends log entries (already redacted). */
export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: LogFields;
  plugin: string;
  instance: string;
}
export type LogSink = (entry: LogEntry) => void;

export interface KvSetOptions {
  /** Forget the value after this long (by the context's clock). */
  ttlMs?: number;
}

/**
 * Plugin state (provider cursors, a group-id map, invite codes), scoped by the host to one plugin
 * instance. Values must be JSON-serialisable: the durable host stores them in the database.
 */
export interface KvStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: KvSetOptions): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface PluginClock {
  now(): number;
}

export interface PluginContext<C = Readonly<Record<string, unknown>>> {
  readonly contextVersion: ContextVersion;
  /** The plugin instance's id in the playbook (`group` in `channels: { group: … }`). */
  readonly instance: string;
  /** The instance's configuration, checked against the plugin's schema, defaults filled, secrets resolved. */
  readonly config: Readonly<C>;
  /** Logs with every secret value of the config replaced by `[redacted]`. */
  readonly logger: Logger;
  /** Use this, never the global: tests and fakes inject theirs. */
  readonly fetch: Fetch;
  readonly clock: PluginClock;
  readonly kv: KvStore;
  /** The effect's idempotency key: pass it to providers that accept one. Null outside effects (webhooks). */
  readonly idempotencyKey: string | null;
  /** 1 on the first delivery attempt of an effect. */
  readonly attempt: number;
}
