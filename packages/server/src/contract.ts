import type { EventInput, Runtime, Store } from '@kith/engine';
import type { Context } from 'hono';
import type { Role } from './control/types.js';

/**
 * The types every route module shares. Route modules are `(deps: ServerDeps) => Hono<AppEnv>`
 * sub-apps mounted by `createApp`; they read the caller from `c.get('principal')` and reach a
 * tenant only through `tenantAccess` (which answers 401/404/403 the same way everywhere).
 */
export type { Role };

export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  agency: string;
  /** The tenant a tenant token is bound to; null for agency tokens. */
  tenant: string | null;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}

export type AppContext = Context<AppEnv>;

export type Access = 'read' | 'write';

/** One line of activity for the live view (SSE `activity`) and metrics. */
export interface Activity {
  tenant: string;
  at: number;
  kind: 'event' | 'step' | 'effect' | 'stage' | 'publish';
  member?: string;
  journey?: string;
  step?: string;
  type?: string;
  detail?: string;
}

export interface ActivityBus {
  publish(a: Activity): void;
  /** Returns the unsubscribe function. */
  subscribe(tenant: string, listener: (a: Activity) => void): () => void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Structured JSON lines; every field passes through the redactor before it is written. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export type IngestResult = 'accepted' | 'duplicate';

/**
 * What the routes run on. `createApp(deps)` in embedded mode gets a runtime on PGlite with the
 * in-process scheduler; in distributed mode `ingest` enqueues a BullMQ event job instead of
 * running the event in the API process.
 */
export interface EngineHost {
  runtime: Runtime;
  store: Store;
  ingest(tenant: string, event: EventInput): Promise<IngestResult>;
  /** Store + scheduler reachable (readiness). */
  ready(): Promise<boolean>;
}

/**
 * Everything a route module may use. `control` (tenants, tokens, playbook drafts and versions,
 * templates, secrets) is defined in `./control/types.ts`.
 */
export interface ServerDeps {
  engine: EngineHost;
  control: import('./control/types.js').ControlStore;
  activity: ActivityBus;
  log: Logger;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now(): number;
}
