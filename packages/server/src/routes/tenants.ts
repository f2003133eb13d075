import { Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { canSee, notFound, principalOf, requireAgencyAdmin, tenantAccess } from '../auth/access.js';
import { forgetToken } from '../auth/middleware.js';
import type { AppEnv, ServerDeps } from '../contract.js';
import type { Tenant as TenantRecord } from '../control/types.js';
import { readJson } from '../http/body.js';
import { ProblemError } from '../http/problem.js';
import { describeRoute } from '../openapi/registry.js';
import { Id, Iso, iso, Role, Tenant } from './schemas.js';

const TENANTS = '/api/v1/tenants';
const tenantJson = (t: TenantRecord) => ({
  id: t.id,
  name: t.name,
  agency: t.agency,
  createdAt: iso(t.createdAt),
});

const NewTenant = Type.Object(
  { id: Id('The tenant id (a client of the agency).'), name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
const NewToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Who or what uses it.' }),
    role: Type.Union([Type.Literal('tenant-editor'), Type.Literal('tenant-viewer')]),
  },
  { additionalProperties: false },
);
const NewAgencyToken = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100, description: 'Who or what uses it.' }) },
  { additionalProperties: false },
);
const TokenInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  createdAt: Iso('When it was made.'),
});
const CreatedToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Role,
  token: Type.String({ description: 'The secret; shown only in this response.' }),
});

/** Tenants and their tokens (agency-admin), and the tenant's own record. */
export function tenantRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'GET',
    path: TENANTS,
    summary: 'Tenants this token can see',
    tags: ['tenants'],
    role: 'any',
    response: Type.Object({ items: Type.Array(Tenant) }),
  });
  app.get('/tenants', async (c) => {
    const p = principalOf(c);
    const all = await deps.control.listTenants(p.agency);
    return c.json({ items: all.filter((t) => canSee(p, t)).map(tenantJson) });
  });

  describeRoute({
    method: 'POST',
    path: TENANTS,
    summary: 'Create a tenant',
    tags: ['tenants'],
    role: 'agency-admin',
    body: NewTenant,
    response: Tenant,
    status: 201,
  });
  app.post('/tenants', async (c) => {
    const p = requireAgencyAdmin(c);
    const body = await readJson(c, NewTenant);
    const made = await deps.control.createTenant({ id: body.id, name: body.name, agency: p.agency });
    if (made === 'exists') {
      throw new ProblemError(409, 'exists', `A tenant '${body.id}' already exists; pick another id.`, [
        { path: '/id', message: 'is taken' },
      ]);
    }
    deps.log.log('info', 'tenant created', { tenant: made.id, agency: p.agency, by: p.tokenId });
    return c.json(tenantJson(made), 201);
  });

  describeRoute({
    method: 'GET',
    path: `${TENANTS}/:tenant`,
    summary: 'One tenant',
    tags: ['tenants'],
    role: 'viewer',
    response: Tenant,
  });
  app.get('/tenants/:tenant', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const full = await deps.control.getTenant(t.id);
    if (!full) throw notFound(`Tenant '${t.id}'`);
    return c.json(tenantJson(full));
  });

  describeRoute({
    method: 'GET',
    path: `${TENANTS}/:tenant/tokens`,
    summary: "The tenant's tokens (never their secrets)",
    tags: ['tenants'],
    role: 'agency-admin',
    response: Type.Object({ items: Type.Array(TokenInfo) }),
  });
  app.get('/tenants/:tenant/tokens', async (c) => {
    const t = await tenantAccess(c, deps, 'read');
    const p = requireAgencyAdmin(c);
    const list = await deps.control.listTokens(p.agency, t.id);
    return c.json({
      items: list.map((k) => ({ id: k.id, name: k.name, role: k.role, createdAt: iso(k.createdAt) })),
    });
  });

  describeRoute({
    method: 'POST',
    path: `${TENANTS}/:tenant/tokens`,
    summary: 'Make a tenant token (the secret is shown once)',
    tags: ['tenants'],
    role: 'agency-admin',
    body: NewToken,
    response: CreatedToken,
    status: 201,
  });
  app.post('/tenants/:tenant/tokens', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const p = requireAgencyAdmin(c);
    const body = await readJson(c, NewToken);
    const { record, secret } = await deps.control.createToken({
      name: body.name,
      role: body.role,
      agency: p.agency,
      tenant: t.id,
    });
    deps.log.log('info', 'token created', {
      tenant: t.id,
      tokenId: record.id,
      role: record.role,
      by: p.tokenId,
    });
    c.header('cache-control', 'no-store');
    return c.json({ id: record.id, name: record.name, role: record.role, token: secret }, 201);
  });

  describeRoute({
    method: 'DELETE',
    path: `${TENANTS}/:tenant/tokens/:id`,
    summary: 'Revoke a tenant token',
    tags: ['tenants'],
    role: 'agency-admin',
    status: 204,
  });
  app.delete('/tenants/:tenant/tokens/:id', async (c) => {
    const t = await tenantAccess(c, deps, 'write');
    const p = requireAgencyAdmin(c);
    const id = c.req.param('id');
    const mine = (await deps.control.listTokens(p.agency, t.id)).some((k) => k.id === id);
    if (!mine || !(await deps.control.deleteToken(id))) throw notFound(`Token '${id.slice(0, 64)}'`);
    forgetToken(deps.control, id);
    deps.log.log('info', 'token revoked', { tenant: t.id, tokenId: id, by: p.tokenId });
    return c.body(null, 204);
  });

  describeRoute({
    method: 'GET',
    path: '/api/v1/tokens',
    summary: "The agency's own tokens (never their secrets)",
    tags: ['tenants'],
    role: 'agency-admin',
    response: Type.Object({ items: Type.Array(TokenInfo) }),
  });
  app.get('/tokens', async (c) => {
    const p = requireAgencyAdmin(c);
    const list = await deps.control.listTokens(p.agency, null);
    return c.json({
      items: list.map((k) => ({ id: k.id, name: k.name, role: k.role, createdAt: iso(k.createdAt) })),
    });
  });

  describeRoute({
    method: 'POST',
    path: '/api/v1/tokens',
    summary: 'Make another agency admin token (the secret is shown once)',
    tags: ['tenants'],
    role: 'agency-admin',
    body: NewAgencyToken,
    response: CreatedToken,
    status: 201,
  });
  app.post('/tokens', async (c) => {
    const p = requireAgencyAdmin(c);
    const body = await readJson(c, NewAgencyToken);
    const { record, secret } = await deps.control.createToken({
      name: body.name,
      role: 'agency-admin',
      agency: p.agency,
      tenant: null,
    });
    deps.log.log('info', 'token created', { tokenId: record.id, role: record.role, by: p.tokenId });
    c.header('cache-control', 'no-store');
    return c.json({ id: record.id, name: record.name, role: record.role, token: secret }, 201);
  });

  describeRoute({
    method: 'DELETE',
    path: '/api/v1/tokens/:id',
    summary: 'Revoke an agency admin token (not the last one)',
    tags: ['tenants'],
    role: 'agency-admin',
    status: 204,
  });
  app.delete('/tokens/:id', async (c) => {
    const p = requireAgencyAdmin(c);
    const id = c.req.param('id');
    const agencyTokens = await deps.control.listTokens(p.agency, null);
    if (!agencyTokens.some((k) => k.id === id)) throw notFound(`Token '${id.slice(0, 64)}'`);
    if (agencyTokens.length === 1) {
      throw new ProblemError(
        409,
        'last-admin-token',
        "This is the agency's last admin token: make another one (POST /api/v1/tokens) before revoking it, or nobody could administer the agency.",
      );
    }
    if (!(await deps.control.deleteToken(id))) throw notFound(`Token '${id.slice(0, 64)}'`);
    forgetToken(deps.control, id);
    deps.log.log('info', 'token revoked', { tokenId: id, by: p.tokenId });
    return c.body(null, 204);
  });

  return app;
}
