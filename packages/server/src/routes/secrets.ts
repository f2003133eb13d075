import { Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { notFound, tenantAccess } from '../auth/access.js';
import type { AppContext, AppEnv, ServerDeps } from '../contract.js';
import { readJson } from '../http/body.js';
import { describeRoute } from '../openapi/registry.js';
import type { RouteContext } from './context.js';
import { Iso, iso } from './schemas.js';

const BASE = '/api/v1/tenants/:tenant/secrets';
/** Secret names as playbooks reference them: `${secrets.NAME}`. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const SecretBody = Type.Object(
  {
    value: Type.String({
      minLength: 1,
      maxLength: 16 * 1024,
      description: 'The secret; never returned or logged.',
    }),
  },
  { additionalProperties: false },
);

function nameParam(c: AppContext): string {
  const name = c.req.param('name') ?? '';
  if (!NAME.test(name)) throw notFound(`Secret '${name.slice(0, 64)}'`);
  return name;
}

/** Write-only secrets: names and times are listed, values never leave the server. */
export function secretRoutes(deps: ServerDeps, ctx: RouteContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'GET',
    path: BASE,
    summary: 'Secret names (values are never returned)',
    tags: ['secrets'],
    role: 'viewer',
    response: Type.Object({
      items: Type.Array(Type.Object({ name: Type.String(), updatedAt: Iso('When it was set.') })),
    }),
  });
  app.get('/secrets', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const list = await deps.control.listSecrets(t.id);
    return c.json({ items: list.map((s) => ({ name: s.name, updatedAt: iso(s.updatedAt) })) });
  });

  describeRoute({
    method: 'PUT',
    path: `${BASE}/:name`,
    summary: 'Set a secret (`${secrets.NAME}` in plugin configs; read at delivery time)',
    tags: ['secrets'],
    role: 'editor',
    body: SecretBody,
    status: 204,
  });
  app.put('/secrets/:name', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const name = nameParam(c);
    const body = await readJson(c, SecretBody);
    ctx.plugins.remember(body.value);
    await deps.control.putSecret(t.id, name, body.value);
    ctx.plugins.invalidate(t.id);
    deps.log.log('info', 'secret set', { tenant: t.id, name });
    return c.body(null, 204);
  });

  describeRoute({
    method: 'DELETE',
    path: `${BASE}/:name`,
    summary: 'Remove a secret',
    tags: ['secrets'],
    role: 'editor',
    status: 204,
  });
  app.delete('/secrets/:name', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const name = nameParam(c);
    if (!(await deps.control.deleteSecret(t.id, name))) throw notFound(`Secret '${name}'`);
    ctx.plugins.invalidate(t.id);
    deps.log.log('info', 'secret removed', { tenant: t.id, name });
    return c.body(null, 204);
  });

  return app;
}
