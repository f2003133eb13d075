import { describe, expect, it } from 'vitest';
import { describedRoutes } from '../src/openapi/registry.js';
import { runtimeKit } from './runtime-kit.js';

/** Every runtime route, with a body that would be accepted. */
const ROUTES: { method: string; path: string; role: 'viewer' | 'editor'; body?: unknown }[] = [
  { method: 'POST', path: '/events', role: 'editor', body: { type: 'member.joined', member: 'ann' } },
  {
    method: 'POST',
    path: '/events/batch',
    role: 'editor',
    body: { events: [{ type: 'member.joined', member: 'ann' }] },
  },
  { method: 'GET', path: '/members', role: 'viewer' },
  { method: 'GET', path: '/members/ann', role: 'viewer' },
  { method: 'GET', path: '/members/ann/timeline', role: 'viewer' },
  { method: 'GET', path: '/instances', role: 'viewer' },
  { method: 'GET', path: '/dead-letters', role: 'viewer' },
  { method: 'POST', path: '/dead-letters/some%2Fkey/retry', role: 'editor' },
  { method: 'GET', path: '/ledger', role: 'viewer' },
  { method: 'GET', path: '/funnel', role: 'viewer' },
  { method: 'GET', path: '/live', role: 'viewer' },
  { method: 'POST', path: '/simulations', role: 'viewer', body: { playbook: 'shop', members: 5, days: 1 } },
  { method: 'GET', path: '/simulations/x', role: 'viewer' },
  { method: 'GET', path: '/simulations/x/events', role: 'viewer' },
];

describe('runtime routes: who may call', async () => {
  const kit = await runtimeKit();
  const call = async (r: (typeof ROUTES)[number], token: string | undefined, tenant = 'shop') => {
    const res = await kit.request(r.method, `/api/v1/tenants/${tenant}${r.path}`, {
      ...(token === undefined ? {} : { token }),
      ...(r.body === undefined ? {} : { body: r.body }),
    });
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('json') ? ((await res.json()) as { code?: string }) : undefined;
    if (type.includes('event-stream')) await res.body?.cancel();
    return { status: res.status, body };
  };

  it('lists every runtime route in the OpenAPI registry with the role tested here', () => {
    const described = describedRoutes().map(
      (d) => `${d.method} ${d.path.replace('/api/v1/tenants/:tenant', '')} ${d.role}`,
    );
    const param = (p: string) =>
      p
        .replace('/members/ann', '/members/:member')
        .replace('/simulations/x', '/simulations/:id')
        .replace('/dead-letters/some%2Fkey', '/dead-letters/:key');
    for (const r of ROUTES) expect(described).toContain(`${r.method} ${param(r.path)} ${r.role}`);
  });

  for (const r of ROUTES) {
    describe(`${r.method} ${r.path}`, () => {
      it('no token → 401', async () => {
        expect((await call(r, undefined)).status).toBe(401);
      });
      it('an unknown token → 401', async () => {
        expect((await call(r, 'kith_not-a-token')).status).toBe(401);
      });
      it("another tenant's token → 404, never revealing the tenant", async () => {
        const res = await call(r, kit.tokens.otherEditor);
        expect(res.status).toBe(404);
        expect(res.body?.code).toBe('not-found');
      });
      it('a tenant that does not exist → 404 like one you cannot see', async () => {
        expect((await call(r, kit.tokens.editor, 'nope')).status).toBe(404);
      });
      if (r.role === 'editor') {
        it('a viewer writing → 403', async () => {
          const res = await call(r, kit.tokens.viewer);
          expect(res.status).toBe(403);
          expect(res.body?.code).toBe('forbidden');
        });
      } else {
        it('a viewer may', async () => {
          const res = await call(r, kit.tokens.viewer);
          expect([401, 403]).not.toContain(res.status);
        });
      }
    });
  }
});
