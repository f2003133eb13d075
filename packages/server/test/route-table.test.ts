import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describedRoutes, type RouteDescription } from '../src/openapi/registry.js';
import { json, type TestServer, testServer } from './helpers.js';

/**
 * Every described route — the control plane's and the runtime's — answers the same way to who may
 * call it: no token 401, another tenant's or agency's token 404 (existence never revealed), a
 * viewer writing 403. Adding a route with `describeRoute` adds it to these tables.
 */
let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => s.close());

function concrete(r: RouteDescription, tenant = 't1'): string {
  return r.path
    .replace(':tenant', tenant)
    .replace(/:([A-Za-z_]+)/g, (_m, name: string) =>
      name === 'version' ? '1' : name === 'key' ? 'k' : `x-${name}`,
    );
}

const secured = () => describedRoutes().filter((r) => r.role !== 'public');
const tenantScoped = () => secured().filter((r) => r.path.includes(':tenant'));
const writes = () => secured().filter((r) => r.role === 'editor' || r.role === 'agency-admin');

async function expectProblem(res: Response, status: number, label: string): Promise<void> {
  expect(res.status, label).toBe(status);
  expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
  const body = await json(res);
  expect(body.status, label).toBe(status);
  expect(typeof body.detail, label).toBe('string');
}

describe('the route table', () => {
  it('covers the control plane and the runtime routes', () => {
    const paths = new Set(describedRoutes().map((r) => `${r.method} ${r.path}`));
    for (const p of [
      'GET /api/v1/me',
      'POST /api/v1/tenants',
      'PUT /api/v1/tenants/:tenant/playbooks/:playbook',
      'POST /api/v1/tenants/:tenant/playbooks/:playbook/publish',
      'PUT /api/v1/tenants/:tenant/secrets/:name',
      'POST /api/v1/templates/:template/rollout',
      'POST /api/v1/tenants/:tenant/events',
      'POST /hooks/:tenant/:instance',
    ]) {
      expect(paths, p).toContain(p);
    }
    expect(secured().length).toBeGreaterThan(35);
    expect(writes().length).toBeGreaterThan(15);
  });

  it('answers 401 without a token, and with an unknown one', async () => {
    for (const r of secured()) {
      const path = concrete(r);
      await expectProblem(
        await s.call(r.method, path, { body: r.body ? {} : undefined }),
        401,
        `${r.method} ${path}`,
      );
      await expectProblem(
        await s.call(r.method, path, {
          token: 'kith_not-a-real-token-000000000',
          body: r.body ? {} : undefined,
        }),
        401,
        `${r.method} ${path} (unknown token)`,
      );
    }
  });

  it("answers 404 to another tenant's token and another agency's admin", async () => {
    for (const r of tenantScoped()) {
      const path = concrete(r);
      await expectProblem(
        await s.call(r.method, path, { token: s.tokens.otherTenant, body: r.body ? {} : undefined }),
        404,
        `${r.method} ${path} (other tenant)`,
      );
      await expectProblem(
        await s.call(r.method, path, { token: s.tokens.otherAgency, body: r.body ? {} : undefined }),
        404,
        `${r.method} ${path} (other agency)`,
      );
    }
  });

  it('answers 403 to a viewer writing (and to an editor doing agency work)', async () => {
    for (const r of writes()) {
      const path = concrete(r);
      await expectProblem(
        await s.call(r.method, path, { token: s.tokens.viewer, body: r.body ? {} : undefined }),
        403,
        `${r.method} ${path} (viewer)`,
      );
      if (r.role === 'agency-admin') {
        await expectProblem(
          await s.call(r.method, path, { token: s.tokens.editor, body: r.body ? {} : undefined }),
          403,
          `${r.method} ${path} (editor)`,
        );
      }
    }
  });

  it('lets the right token through (not 401/403/404 on the tenant)', async () => {
    for (const r of secured()) {
      const path = concrete(r);
      const token = r.role === 'agency-admin' ? s.tokens.admin : s.tokens.editor;
      const res = await s.call(r.method, path, { token, body: r.body ? {} : undefined });
      expect([401, 403], `${r.method} ${path}`).not.toContain(res.status);
      if (res.status === 404) {
        // a missing child (playbook x-playbook) is fine; the tenant itself must have been found
        const body = await json(res);
        expect(String(body.detail), `${r.method} ${path}`).not.toMatch(/^Tenant /);
      }
    }
  });

  it('publishes every route in /openapi.json and renders /docs without any CDN', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      await s.call('GET', '/openapi.json'),
    );
    expect(doc.openapi).toBe('3.1.0');
    for (const r of describedRoutes()) {
      const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    }
    const page = await (await s.call('GET', '/docs')).text();
    expect(page).toContain('/api/v1/tenants/{tenant}/playbooks');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="https?:/);
  });
});
