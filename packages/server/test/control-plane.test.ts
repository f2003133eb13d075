import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { json, sandboxPlaybook, type TestServer, testServer } from './helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => s.close());

describe('tenants and tokens', () => {
  it('an admin makes and revokes agency admin tokens, but never the last one', async () => {
    const { admin } = s.tokens;
    const made = await s.call('POST', '/api/v1/tokens', { token: admin, body: { name: 'second admin' } });
    expect(made.status).toBe(201);
    const second = await json<{ id: string; token: string; role: string }>(made);
    expect(second.role).toBe('agency-admin');
    const me = await json<{ token: { role: string; tenant: string | null } }>(
      await s.call('GET', '/api/v1/me', { token: second.token }),
    );
    expect(me.token).toMatchObject({ role: 'agency-admin', tenant: null });
    const listed = await json<{ items: { id: string }[] }>(
      await s.call('GET', '/api/v1/tokens', { token: admin }),
    );
    expect(listed.items.map((t) => t.id)).toContain(second.id);
    expect(JSON.stringify(listed)).not.toContain(second.token);
    // the first admin revokes itself through the second; the second is then the last one
    const first = listed.items.find((t) => t.id !== second.id)!;
    expect((await s.call('DELETE', `/api/v1/tokens/${first.id}`, { token: second.token })).status).toBe(204);
    const last = await s.call('DELETE', `/api/v1/tokens/${second.id}`, { token: second.token });
    expect(last.status).toBe(409);
    expect(await json(last)).toMatchObject({ code: 'last-admin-token' });
    // put the suite's admin back for the other tests
    const again = await json<{ token: string }>(
      await s.call('POST', '/api/v1/tokens', { token: second.token, body: { name: 'admin' } }),
    );
    s.tokens.admin = again.token;
  });

  it('an admin creates a tenant and a token that sees only that tenant', async () => {
    const { admin } = s.tokens;
    const made = await s.call('POST', '/api/v1/tenants', {
      token: admin,
      body: { id: 'shop', name: 'The shop' },
    });
    expect(made.status).toBe(201);
    expect(await json(made)).toMatchObject({ id: 'shop', name: 'The shop', agency: 'acme' });
    expect(
      (await s.call('POST', '/api/v1/tenants', { token: admin, body: { id: 'shop', name: 'Again' } })).status,
    ).toBe(409);
    const bad = await s.call('POST', '/api/v1/tenants', {
      token: admin,
      body: { id: 'Not An Id', name: '' },
    });
    expect(bad.status).toBe(422);
    expect((await json<{ errors: { path: string }[] }>(bad)).errors.map((e) => e.path).sort()).toEqual([
      '/id',
      '/name',
    ]);

    const tok = await json<{ id: string; token: string; role: string }>(
      await s.call('POST', '/api/v1/tenants/shop/tokens', {
        token: admin,
        body: { name: 'ci', role: 'tenant-viewer' },
      }),
    );
    expect(tok.role).toBe('tenant-viewer');
    const me = await json(await s.call('GET', '/api/v1/me', { token: tok.token }));
    expect(me).toEqual({
      token: { id: tok.id, name: 'ci', role: 'tenant-viewer', agency: 'acme', tenant: 'shop' },
    });
    const seen = await json<{ items: { id: string }[] }>(
      await s.call('GET', '/api/v1/tenants', { token: tok.token }),
    );
    expect(seen.items.map((t) => t.id)).toEqual(['shop']);
    const all = await json<{ items: { id: string }[] }>(
      await s.call('GET', '/api/v1/tenants', { token: admin }),
    );
    expect(all.items.map((t) => t.id)).toEqual(['shop', 't1', 't2']);

    const listed = await json<{ items: Record<string, unknown>[] }>(
      await s.call('GET', '/api/v1/tenants/shop/tokens', { token: admin }),
    );
    expect(listed.items).toEqual([
      { id: tok.id, name: 'ci', role: 'tenant-viewer', createdAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed)).not.toContain(tok.token);

    // used (so its verification is cached), then revoked: refused at once
    expect((await s.call('GET', '/api/v1/me', { token: tok.token })).status).toBe(200);
    expect((await s.call('DELETE', `/api/v1/tenants/shop/tokens/${tok.id}`, { token: admin })).status).toBe(
      204,
    );
    expect((await s.call('GET', '/api/v1/me', { token: tok.token })).status).toBe(401);
    // a token of one tenant cannot be revoked through another
    const t1tok = await json<{ id: string }>(
      await s.call('POST', '/api/v1/tenants/t1/tokens', {
        token: admin,
        body: { name: 'x', role: 'tenant-editor' },
      }),
    );
    expect((await s.call('DELETE', `/api/v1/tenants/shop/tokens/${t1tok.id}`, { token: admin })).status).toBe(
      404,
    );
  });
});

describe('authoring', () => {
  it('validates a playbook with positioned diagnostics', async () => {
    const ok = await json(
      await s.call('POST', '/api/v1/validate', {
        token: s.tokens.viewer,
        body: { source: sandboxPlaybook('v') },
      }),
    );
    expect(ok).toEqual({ ok: true, diagnostics: [] });
    const bad = await json<{ ok: boolean; diagnostics: { code: string; line: number; file: string }[] }>(
      await s.call('POST', '/api/v1/validate', {
        token: s.tokens.viewer,
        body: {
          source: sandboxPlaybook('v').replace('via: chat, to: member', 'via: nope, to: member'),
          filename: 'mine.yaml',
        },
      }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]).toMatchObject({ file: 'mine.yaml', line: expect.any(Number) });
  });

  it('refuses extends that would read the server’s files', async () => {
    const res = await json<{ ok: boolean; diagnostics: { message: string }[] }>(
      await s.call('POST', '/api/v1/validate', {
        token: s.tokens.viewer,
        body: { source: 'kith: 1\nid: x\nname: X\nextends: /etc/passwd\n' },
      }),
    );
    expect(res.ok).toBe(false);
    expect(JSON.stringify(res)).not.toContain('root:');
  });

  it('lists the plugin catalogue and serves the schema without a token', async () => {
    const plugins = await json<{ items: { name: string; kind: string; configSchema: unknown }[] }>(
      await s.call('GET', '/api/v1/plugins', { token: s.tokens.viewer }),
    );
    expect(plugins.items.find((p) => p.name === 'sandbox')).toMatchObject({
      kind: 'channel',
      configSchema: expect.any(Object),
    });
    expect(plugins.items.find((p) => p.name === 'stripe')?.kind).toBe('payment');
    const schema = await s.call('GET', '/api/v1/schema/playbook');
    expect(schema.status).toBe(200);
    expect((await json(schema)).properties).toHaveProperty('stages');
  });
});

describe('templates and rollouts', () => {
  const AGENCY_TEMPLATE = (greeting: string) =>
    sandboxPlaybook('club')
      .replace('Welcome {{ member.id }}', `${greeting} {{ member.id }}, from {{ params.brand }}`)
      .replace('timezone: UTC', 'timezone: UTC\nparams:\n  brand: { type: string, description: Brand }');

  it('lists built-in templates with their params', async () => {
    const list = await json<{
      items: { id: string; origin: string; params: Record<string, { type: string }> }[];
    }>(await s.call('GET', '/api/v1/templates', { token: s.tokens.viewer }));
    const mb = list.items.find((t) => t.id === 'mother-baby');
    expect(mb?.origin).toBe('builtin');
    expect(mb?.params.starterPrice).toMatchObject({
      type: 'integer',
      'x-kith-type': 'money',
      default: 19900,
    });
    expect((await s.call('GET', '/api/v1/templates/mother-baby', { token: s.tokens.viewer })).status).toBe(
      200,
    );
    expect((await s.call('GET', '/api/v1/templates/nope', { token: s.tokens.viewer })).status).toBe(404);
  });

  it('instantiates a built-in template with params', async () => {
    const res = await s.call('POST', '/api/v1/tenants/t1/playbooks', {
      token: s.tokens.editor,
      body: { id: 'mb', template: 'mother-baby', params: { brand: 'Little Stars' } },
    });
    expect(res.status).toBe(201);
    const pb = await json<{ source: string; diagnostics: { severity: string }[]; template: unknown }>(res);
    expect(pb.source).toContain('from: "@kith/templates/mother-baby"');
    expect(pb.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(pb.template).toEqual({ id: 'mother-baby', params: { brand: 'Little Stars' } });
    const wrong = await s.call('POST', '/api/v1/tenants/t1/playbooks', {
      token: s.tokens.editor,
      body: { id: 'mb2', template: 'mother-baby', params: { colour: 'red' } },
    });
    expect(wrong.status).toBe(422);
    expect((await json<{ errors: { path: string }[] }>(wrong)).errors[0]?.path).toBe('/params/colour');
  });

  it('an agency template reaches each client through a rollout, with a preview first', async () => {
    const { admin } = s.tokens;
    const put = await s.call('PUT', '/api/v1/templates/club', {
      token: admin,
      body: { source: AGENCY_TEMPLATE('Hi') },
    });
    expect(put.status).toBe(200);
    expect(
      (
        await s.call('PUT', '/api/v1/templates/club', {
          token: admin,
          body: { source: 'kith: 1\nid: club\n' },
        })
      ).status,
    ).toBe(422);
    for (const [tenant, brand] of [
      ['t1', 'Alpha'],
      ['t2', 'Beta'],
    ] as const) {
      const made = await s.call('POST', `/api/v1/tenants/${tenant}/playbooks`, {
        token: admin,
        body: { id: 'club', template: 'club', params: { brand } },
      });
      expect(made.status).toBe(201);
      await s.call('PUT', `/api/v1/tenants/${tenant}/secrets/SANDBOX_TOKEN`, {
        token: admin,
        body: { value: 'tok-for-rollout' },
      });
    }
    const first = await json<{ items: { tenant: string; version: number }[] }>(
      await s.call('POST', '/api/v1/templates/club/rollout', {
        token: admin,
        body: { tenants: ['t1', 't2'] },
      }),
    );
    expect(first.items).toEqual([
      { tenant: 't1', playbook: 'club', version: 1 },
      { tenant: 't2', playbook: 'club', version: 1 },
    ]);
    await s.call('POST', '/api/v1/tenants/t1/events', {
      token: admin,
      body: { id: 'c1', type: 'member.joined', member: 'cat' },
    });
    await s.host.settle();

    await s.call('PUT', '/api/v1/templates/club', {
      token: admin,
      body: { source: AGENCY_TEMPLATE('Hello') },
    });
    const preview = await json<{
      items: {
        tenant: string;
        diff: { path: string; after: unknown }[];
        touched: Record<string, number>;
        membersMidJourney: number;
      }[];
    }>(await s.call('POST', '/api/v1/templates/club/rollout/preview', { token: admin, body: {} }));
    const t1 = preview.items.find((i) => i.tenant === 't1');
    expect(t1?.diff).toEqual([
      {
        path: '/stages/attract/journeys/0/steps/0/send/text',
        kind: 'changed',
        before: 'Hi {{ member.id }}, from {{ params.brand }}',
        after: 'Hello {{ member.id }}, from {{ params.brand }}',
      },
    ]);
    expect(t1?.membersMidJourney).toBe(1);
    expect(t1?.touched).toEqual({ 'welcome/rest': 1 });
    // t2 has no member yet: the same diff, nobody touched
    expect(preview.items.find((i) => i.tenant === 't2')).toMatchObject({ membersMidJourney: 0, touched: {} });

    const second = await json<{ items: { version: number }[] }>(
      await s.call('POST', '/api/v1/templates/club/rollout', { token: admin, body: { tenants: ['t2'] } }),
    );
    expect(second.items).toEqual([{ tenant: 't2', playbook: 'club', version: 2 }]);
    const unknown = await s.call('POST', '/api/v1/templates/club/rollout', {
      token: admin,
      body: { tenants: ['o1'] },
    });
    expect(unknown.status).toBe(422);
  });
});

describe('limits', () => {
  it('answers 429 with Retry-After when a token goes over its rate', async () => {
    const limited = createApp(s.host.deps, {
      plugins: s.host.plugins,
      rateLimit: { perMinute: 60, burst: 3 },
    });
    const call = () =>
      limited.request('/api/v1/me', { headers: { authorization: `Bearer ${s.tokens.viewer}` } });
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(200);
    const res = await call();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await res.json()).code).toBe('rate-limited');
    // another token has its own bucket
    expect(
      (await limited.request('/api/v1/me', { headers: { authorization: `Bearer ${s.tokens.editor}` } }))
        .status,
    ).toBe(200);
  });

  it('gives every response a request id, and echoes a sane one', async () => {
    const res = await s.call('GET', '/healthz', { headers: { 'x-request-id': 'req-12345678' } });
    expect(res.headers.get('x-request-id')).toBe('req-12345678');
    const other = await s.call('GET', '/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
