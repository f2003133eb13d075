import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describedRoutes } from '../src/openapi/registry.js';
import { eventually, json, sandboxPlaybook, type TestServer, testServer } from './helpers.js';

const VALUE = 'sandbox-token-Zq81xW3vRr';

describe('secrets are write-only and never logged', () => {
  let s: TestServer;
  const bodies: string[] = [];
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  const record = async (res: Response) => {
    const text = await res.text();
    bodies.push(text);
    return text;
  };

  it('stores a secret, lists only its name, and delivers with it', async () => {
    const { editor } = s.tokens;
    await record(
      await s.call('POST', '/api/v1/tenants/t1/playbooks', {
        token: editor,
        body: { id: 'welcome', source: sandboxPlaybook('welcome') },
      }),
    );
    const put = await s.call('PUT', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', {
      token: editor,
      body: { value: VALUE },
    });
    expect(put.status).toBe(204);
    const list = JSON.parse(
      await record(await s.call('GET', '/api/v1/tenants/t1/secrets', { token: s.tokens.viewer })),
    );
    expect(list.items).toEqual([{ name: 'SANDBOX_TOKEN', updatedAt: expect.any(String) }]);
    await record(
      await s.call('POST', '/api/v1/tenants/t1/playbooks/welcome/publish', {
        token: editor,
        body: { revision: 1 },
      }),
    );
    await record(
      await s.call('POST', '/api/v1/tenants/t1/events', {
        token: editor,
        body: { id: 'j1', type: 'member.joined', member: 'ann' },
      }),
    );
    await eventually(() => expect(s.host.sandboxes.chatOf('t1', 'chat')?.inbox()).toHaveLength(1));
  });

  it('a wrong body for a secret says where, without echoing the value', async () => {
    const res = await s.call('PUT', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', {
      token: s.tokens.editor,
      body: { value: VALUE, extra: VALUE },
    });
    expect(res.status).toBe(422);
    const text = await record(res);
    expect(JSON.parse(text).errors).toEqual([
      { path: '/extra', message: 'is not a known field; remove it', code: 'additionalProperties' },
    ]);
  });

  it('no response of any GET route contains the secret', async () => {
    for (const r of describedRoutes().filter(
      (x) => x.method === 'GET' && !x.stream && !x.path.endsWith('/live') && !x.path.endsWith('/events'),
    )) {
      const path = r.path
        .replace(':tenant', 't1')
        .replace(':playbook', 'welcome')
        .replace(':version', '1')
        .replace(/:[a-z]+/g, 'x');
      await record(await s.call('GET', path, { token: s.tokens.admin }));
    }
    for (const b of bodies) expect(b).not.toContain(VALUE);
  });

  it('no log line contains the secret, a token, or an Authorization header', async () => {
    await s.call('GET', `/api/v1/me?access_token=${s.tokens.viewer}`);
    await s.call('GET', '/api/v1/me', { headers: { authorization: `Bearer ${s.tokens.admin}` } });
    expect(s.logs.length).toBeGreaterThan(10);
    const all = s.logs.join('\n');
    expect(all).not.toContain(VALUE);
    for (const t of Object.values(s.tokens)) expect(all).not.toContain(t);
    expect(all.toLowerCase()).not.toContain('bearer ');
    for (const line of s.logs) expect(() => JSON.parse(line)).not.toThrow();
    expect(s.logs.map((l) => JSON.parse(l).msg)).toContain('secret set');
  });

  it('redacts a secret that shows up inside an error message', async () => {
    s.host.deps.log.log('error', `plugin said: bad token ${VALUE}`, {
      error: new Error(`401 for ${VALUE}`),
      config: { apiKey: 'k-123456' },
    });
    const last = JSON.parse(s.logs.at(-1) ?? '{}');
    expect(JSON.stringify(last)).not.toContain(VALUE);
    expect(last.config.apiKey).toBe('[redacted]');
  });

  it('deleting a secret removes it', async () => {
    expect(
      (await s.call('DELETE', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', { token: s.tokens.editor })).status,
    ).toBe(204);
    expect(await json(await s.call('GET', '/api/v1/tenants/t1/secrets', { token: s.tokens.editor }))).toEqual(
      { items: [] },
    );
    expect(
      (await s.call('DELETE', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', { token: s.tokens.editor })).status,
    ).toBe(404);
  });
});
