import { answerWebhook, type WebhookRequest } from '@kith/sdk';
import { Hono } from 'hono';
import { ID_PATTERN, notFound } from '../auth/access.js';
import type { AppContext, AppEnv, ServerDeps } from '../contract.js';
import { ProblemError } from '../http/problem.js';
import { describeRoute } from '../openapi/registry.js';
import type { RouteContext } from './context.js';

/**
 * Plugin webhook ingress: `POST /hooks/:tenant/:instance[/…]`. No token: the plugin verifies the
 * provider's signature (`handleWebhook`), maps the request to events, and the answer the provider
 * expects is sent only once the events are ingested when the plugin asks for that.
 */
export function hookRoutes(deps: ServerDeps, ctx: RouteContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'POST',
    path: '/hooks/:tenant/:instance',
    summary:
      'Provider webhooks for a channel or payment instance of the tenant’s playbook (the plugin verifies them)',
    tags: ['webhooks'],
    role: 'public',
  });
  const handle = async (c: AppContext) => {
    const tenant = c.req.param('tenant') ?? '';
    const instance = c.req.param('instance') ?? '';
    if (
      !ID_PATTERN.test(tenant) ||
      !/^[A-Za-z0-9_-]{1,64}$/.test(instance) ||
      !(await deps.control.getTenant(tenant))
    ) {
      throw notFound('This webhook');
    }
    const prefix = `/hooks/${tenant}/${instance}`;
    const path = c.req.path.length > prefix.length ? c.req.path.slice(prefix.length) : '/';
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    const request: WebhookRequest = {
      method: c.req.method,
      path,
      headers,
      query: c.req.query(),
      body: new Uint8Array(await c.req.arrayBuffer()),
    };
    const outcome = await ctx.plugins.webhook(tenant, instance, request);
    if (!outcome) throw notFound('This webhook');
    if (outcome.status === 'rejected') {
      deps.log.log('warn', 'webhook rejected', {
        requestId: c.get('requestId'),
        tenant,
        instance,
        reason: outcome.reason,
        detail: outcome.message,
      });
      throw new ProblemError(401, 'webhook-rejected', `The plugin refused this request: ${outcome.reason}.`);
    }
    const reply = await answerWebhook(outcome, async (events) => {
      for (const e of events) await deps.engine.ingest(tenant, e);
    });
    deps.log.log('info', 'webhook accepted', {
      requestId: c.get('requestId'),
      tenant,
      instance,
      events: outcome.events.length,
    });
    return new Response(reply.body ?? null, { status: reply.status, headers: reply.headers ?? {} });
  };
  app.post('/:tenant/:instance', handle);
  app.post('/:tenant/:instance/*', handle);
  // some providers check the URL with a GET first (echo / challenge): the plugin answers that too
  describeRoute({
    method: 'GET',
    path: '/hooks/:tenant/:instance',
    summary: 'Provider URL checks (echo / challenge), answered by the plugin',
    tags: ['webhooks'],
    role: 'public',
  });
  app.get('/:tenant/:instance', handle);
  return app;
}
