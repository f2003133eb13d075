import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { liveCounts } from '../../live/counts.js';
import { LiveHub } from '../../live/hub.js';
import { openSse } from '../../live/sse.js';
import { describeRoute } from '../../openapi/registry.js';
import { BASE, loadedKernel } from './common.js';

export interface LiveOptions {
  /** Least time between two `counts` (default 1 s). */
  countsMs?: number;
  /** Heartbeat comment interval (default 15 s). */
  heartbeatMs?: number;
}

/** `GET /live`: the tenant's live view as server-sent events. */
export function liveRoutes(deps: ServerDeps, options: LiveOptions = {}): { app: Hono<AppEnv>; hub: LiveHub } {
  const app = new Hono<AppEnv>();
  const hub = new LiveHub(
    deps.activity,
    async (tenant) => {
      const kernel = await loadedKernel(deps.engine, tenant);
      return kernel === undefined ? null : liveCounts(deps.engine.store, tenant, kernel.current, deps.now());
    },
    {
      ...(options.countsMs === undefined ? {} : { intervalMs: options.countsMs }),
      onError: (tenant, error) => deps.log.log('warn', 'live counts failed', { tenant, error }),
    },
  );

  describeRoute({
    method: 'GET',
    path: `${BASE}/live`,
    summary:
      'Server-sent events: `counts` (members per stage, tier, goal, runs per journey and waiting step; at once, then at most every second while something changes; `null` before a playbook is published) and `activity` (each event ingested, step run, stage reached, effect queued). Comment heartbeats every 15 s. The token may be given as `?access_token=`.',
    tags: ['live'],
    role: 'viewer',
    stream: true,
  });
  app.get('/live', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    return openSse(c, { heartbeatMs: options.heartbeatMs ?? 15_000 }, (sink) =>
      hub.subscribe(tenant.id, {
        counts: (counts) => sink.send('counts', counts),
        activity: (a) => sink.send('activity', a, true),
      }),
    );
  });

  return { app, hub };
}
