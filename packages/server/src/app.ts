import { FIRST_PARTY_PLUGINS } from '@kith/catalogue';
import { Hono } from 'hono';
import { authenticate } from './auth/middleware.js';
import type { AppEnv, ServerDeps } from './contract.js';
import { PluginHost } from './host/plugins.js';
import { Sandboxes } from './host/sandboxes.js';
import { limitBody, observe, type RateLimitOptions, rateLimit, requestId } from './http/middleware.js';
import { ProblemError, problemResponse, toProblem } from './http/problem.js';
import { Redactor } from './obs/logger.js';
import { type ServerMetrics, serverMetrics } from './obs/metrics.js';
import { PlaybookService } from './playbooks/service.js';
import { catalogueRoutes } from './routes/catalogue.js';
import type { RouteContext } from './routes/context.js';
import { editorRoutes } from './routes/editor.js';
import { hookRoutes } from './routes/hooks.js';
import { meRoutes } from './routes/me.js';
import { playbookRoutes } from './routes/playbooks.js';
import { runtimeRoutes } from './routes/runtime/index.js';
import { secretRoutes } from './routes/secrets.js';
import { systemRoutes } from './routes/system.js';
import { templateRoutes } from './routes/templates.js';
import { tenantRoutes } from './routes/tenants.js';

export interface AppOptions {
  /** Where request counts and latency go (and what `/metrics` renders); one is made if absent. */
  metrics?: ServerMetrics;
  /** Per-token request rate; `false` turns it off. Default 1200/min, bursts of 200. */
  rateLimit?: RateLimitOptions | false;
  /** Largest request body in bytes (413 above it). Default 1 MiB. */
  bodyLimit?: number;
  /**
   * The plugins bound to tenants (effects, webhooks): the host's. Without it the app binds the
   * first-party plugins over `deps` itself (enough for tests that build their own deps).
   */
  plugins?: PluginHost;
  /** The built editor to serve at `/` (SPA fallback), if any. */
  editorDir?: string;
  /** Extra sub-apps mounted before the editor (bull-board at /admin/queues). */
  mounts?: { path: string; app: Hono<AppEnv> }[];
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perMinute: 1200, burst: 200 };

/**
 * The whole HTTP API as a Hono app: middleware (request id, logs, metrics, body limit, auth,
 * rate limit), every route module, and problem documents for every failure.
 */
export function createApp(deps: ServerDeps, options: AppOptions = {}): Hono<AppEnv> {
  const metrics = options.metrics ?? serverMetrics();
  const limit = options.bodyLimit ?? 1024 * 1024;
  const app = new Hono<AppEnv>();

  app.use('*', requestId());
  app.use('*', observe(deps.log, metrics));
  app.use('*', limitBody(limit));

  const plugins =
    options.plugins ??
    new PluginHost({
      plugins: FIRST_PARTY_PLUGINS,
      store: deps.engine.store,
      control: deps.control,
      sandboxes: new Sandboxes({ now: deps.now }),
      clock: { now: deps.now },
      redactor: (deps.log as Partial<{ redactor: Redactor }>).redactor ?? new Redactor(),
    });
  const ctx: RouteContext = { plugins, playbooks: new PlaybookService(deps, plugins) };

  app.route('/', systemRoutes(deps, metrics));
  app.route('/hooks', hookRoutes(deps, ctx));

  const api = new Hono<AppEnv>();
  api.use('*', async (c, next) => {
    // the one public route under /api/v1: the editor loads the schema before anyone signs in
    if (c.req.method === 'GET' && c.req.path === '/api/v1/schema/playbook') return next();
    return authenticate(deps)(c, next);
  });
  if (options.rateLimit !== false) api.use('*', rateLimit(options.rateLimit ?? DEFAULT_RATE_LIMIT, deps.now));
  api.route('/', meRoutes());
  api.route('/', tenantRoutes(deps));
  api.route('/', catalogueRoutes(ctx));
  api.route('/', templateRoutes(deps, ctx));
  api.route('/tenants/:tenant', playbookRoutes(deps, ctx));
  api.route('/tenants/:tenant', secretRoutes(deps, ctx));
  api.route('/tenants/:tenant', runtimeRoutes(deps));
  app.route('/api/v1', api);
  for (const m of options.mounts ?? []) app.route(m.path, m.app);
  if (options.editorDir !== undefined) app.route('/', editorRoutes(options.editorDir));

  app.notFound((c) =>
    problemResponse(
      c,
      new ProblemError(404, 'not-found', `No route ${c.req.method} ${new URL(c.req.url).pathname}.`),
    ),
  );
  app.onError((error, c) => {
    const { problem, unexpected } = toProblem(error);
    if (unexpected) {
      deps.log.log('error', 'unhandled error', {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        error,
      });
    }
    return problemResponse(c, problem);
  });
  return app;
}
