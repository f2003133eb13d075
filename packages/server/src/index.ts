/**
 * @kith/server — the Kith HTTP API on Hono and the host it runs on (embedded PGlite by default).
 */
export { type AppOptions, createApp, DEFAULT_RATE_LIMIT } from './app.js';
export type * from './contract.js';
export * from './control/index.js';
export { createHost, type Host, type HostConfig, type HostMode } from './host/create-host.js';
export { createDistributedHost, type DistributedConfig, type DistributedHost } from './host/distributed.js';
export { DEMO_AGENCY, DEMO_TENANT, type SeedResult, seedDemo } from './host/seed.js';
export { ProblemError } from './http/problem.js';
export { jsonLogger, Redactor } from './obs/logger.js';
export {
  exportWorkerStats,
  serveWorkerEndpoint,
  type WorkerEndpoint,
  type WorkerEndpointOptions,
} from './obs/worker-endpoint.js';
export { describedRoutes, describeRoute, type RouteDescription } from './openapi/registry.js';
export { type ServeOptions, type Serving, serve } from './serve.js';
