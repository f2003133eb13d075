import { Hono } from 'hono';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { deadLetterRoutes } from './dead-letters.js';
import { eventRoutes } from './events.js';
import { instanceRoutes } from './instances.js';
import { type LiveOptions, liveRoutes } from './live.js';
import { memberRoutes } from './members.js';
import { reportRoutes } from './reports.js';
import { type SimulationOptions, simulationRoutes } from './simulations.js';

export interface RuntimeRouteOptions {
  live?: LiveOptions;
  simulations?: SimulationOptions;
}

/**
 * The runtime-facing routes under `/api/v1/tenants/:tenant`: events in, members and their runs,
 * dead letters, ledger and funnel reports, the live stream, simulations.
 */
export function runtimeRoutes(deps: ServerDeps, options: RuntimeRouteOptions = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.route('/', eventRoutes(deps));
  app.route('/', memberRoutes(deps));
  app.route('/', instanceRoutes(deps));
  app.route('/', deadLetterRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', liveRoutes(deps, options.live).app);
  app.route('/', simulationRoutes(deps, options.simulations).app);
  return app;
}
