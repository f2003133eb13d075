import { Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { principalOf } from '../auth/access.js';
import type { AppEnv } from '../contract.js';
import { describeRoute } from '../openapi/registry.js';
import { Role } from './schemas.js';

const Me = Type.Object({
  token: Type.Object({
    id: Type.String(),
    name: Type.String(),
    role: Role,
    agency: Type.String(),
    tenant: Type.Union([Type.String(), Type.Null()]),
  }),
});

export function meRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  describeRoute({
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The calling token',
    tags: ['auth'],
    role: 'any',
    response: Me,
  });
  app.get('/me', (c) => {
    const p = principalOf(c);
    return c.json({
      token: { id: p.tokenId, name: p.name, role: p.role, agency: p.agency, tenant: p.tenant },
    });
  });
  return app;
}
