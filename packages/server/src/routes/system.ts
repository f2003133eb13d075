import { Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import type { AppEnv, ServerDeps } from '../contract.js';
import type { ServerMetrics } from '../obs/metrics.js';
import { docsPage } from '../openapi/docs.js';
import { openApiDocument } from '../openapi/document.js';
import { describeRoute } from '../openapi/registry.js';

const Health = Type.Object({ ok: Type.Boolean() });

/** Liveness, readiness and metrics: what an orchestrator and Prometheus ask of every process. */
export function probeRoutes(deps: ServerDeps, metrics: ServerMetrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'GET',
    path: '/healthz',
    summary: 'Liveness',
    tags: ['system'],
    role: 'public',
    response: Health,
  });
  app.get('/healthz', (c) => c.json({ ok: true }));

  describeRoute({
    method: 'GET',
    path: '/readyz',
    summary: 'Readiness: the store and the scheduler answer (503 otherwise)',
    tags: ['system'],
    role: 'public',
    response: Health,
  });
  app.get('/readyz', async (c) => {
    const ok = await deps.engine.ready().catch(() => false);
    return c.json({ ok }, ok ? 200 : 503);
  });

  describeRoute({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['system'],
    role: 'public',
  });
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.render(), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );

  return app;
}

/** The probes and the API description: no token needed. */
export function systemRoutes(deps: ServerDeps, metrics: ServerMetrics): Hono<AppEnv> {
  const app = probeRoutes(deps, metrics);

  describeRoute({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as OpenAPI 3.1',
    tags: ['system'],
    role: 'public',
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  describeRoute({
    method: 'GET',
    path: '/docs',
    summary: 'API reference page',
    tags: ['system'],
    role: 'public',
  });
  app.get('/docs', (c) => c.html(docsPage(openApiDocument())));

  return app;
}
