import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, json, sandboxPlaybook, type TestServer, testServer } from './helpers.js';

const SECRET = 'sbx-tok-7f3a9c1e55d2';

describe('publish → event → the sandbox channel receives the message', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  it('runs a published playbook end to end, with the secret read at delivery time', async () => {
    const { editor } = s.tokens;
    const created = await s.call('POST', '/api/v1/tenants/t1/playbooks', {
      token: editor,
      body: { id: 'welcome', source: sandboxPlaybook('welcome') },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await s.call('PUT', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', {
          token: editor,
          body: { value: SECRET },
        })
      ).status,
    ).toBe(204);

    const published = await s.call('POST', '/api/v1/tenants/t1/playbooks/welcome/publish', {
      token: editor,
      body: { revision: 1 },
    });
    expect(await json(published)).toEqual({ version: 1, migrated: 0 });

    const ev = await s.call('POST', '/api/v1/tenants/t1/events', {
      token: editor,
      body: { id: 'e1', type: 'member.joined', member: 'ann' },
    });
    expect(ev.status).toBe(202);
    expect(await json(ev)).toEqual({ id: 'e1', status: 'accepted' });

    await eventually(() => {
      const inbox = s.host.sandboxes.chatOf('t1', 'chat')?.inbox() ?? [];
      expect(inbox.map((m) => m.text)).toEqual(['Welcome ann']);
    });
    // the same event again: no second message
    const again = await s.call('POST', '/api/v1/tenants/t1/events', {
      token: editor,
      body: { id: 'e1', type: 'member.joined', member: 'ann' },
    });
    expect(await json(again)).toEqual({ id: 'e1', status: 'duplicate' });
    await s.host.settle();
    expect(s.host.sandboxes.chatOf('t1', 'chat')?.inbox()).toHaveLength(1);

    const metrics = await (await s.call('GET', '/metrics')).text();
    expect(metrics).toMatch(/kith_events_ingested_total\{result="accepted"\} 1/);
    expect(metrics).toMatch(/kith_effects_total\{outcome="delivered"\} 1/);
    expect(metrics).toMatch(
      /kith_http_requests_total\{method="POST",route="\/api\/v1\/tenants\/:tenant\/events",status="202"\} 2/,
    );
  });

  it('dead-letters a send whose secret is missing, and says why', async () => {
    const { editor } = s.tokens;
    await s.call('POST', '/api/v1/tenants/t2/playbooks', {
      token: s.tokens.admin,
      body: { id: 'welcome', source: sandboxPlaybook('welcome') },
    });
    await s.call('POST', '/api/v1/tenants/t2/playbooks/welcome/publish', {
      token: s.tokens.admin,
      body: { revision: 1 },
    });
    await s.host.deps.engine.ingest('t2', { tenant: 't2', id: 'x1', type: 'member.joined', member: 'bob' });
    await eventually(async () => {
      const dead = await s.host.deps.engine.runtime.deadLetters('t2');
      expect(dead).toHaveLength(1);
      expect(dead[0]?.lastError).toMatch(/SANDBOX_TOKEN/);
    });
    expect(editor).toBeDefined();
  });

  it('keeps versions, diffs them, and rolls back', async () => {
    const { editor } = s.tokens;
    const v2 = sandboxPlaybook('welcome', { text: 'Hello {{ member.id }}' });
    const saved = await s.call('PUT', '/api/v1/tenants/t1/playbooks/welcome', {
      token: editor,
      body: { source: v2, revision: 1 },
    });
    expect((await json(saved)).revision).toBe(2);
    const stale = await s.call('PUT', '/api/v1/tenants/t1/playbooks/welcome', {
      token: editor,
      body: { source: v2, revision: 1 },
    });
    expect(stale.status).toBe(409);
    expect((await json(stale)).errors).toEqual([{ path: '/revision', message: 'is 2 now' }]);

    const diff = await json<{ unified: string; changes: { path: string; kind: string; after?: unknown }[] }>(
      await s.call('GET', '/api/v1/tenants/t1/playbooks/welcome/diff?from=1&to=draft', {
        token: s.tokens.viewer,
      }),
    );
    expect(diff.unified).toContain(
      '+          - { id: hello, send: { via: chat, to: member, text: "Hello {{ member.id }}" } }',
    );
    expect(diff.changes).toEqual([
      {
        path: '/stages/attract/journeys/0/steps/0/send/text',
        kind: 'changed',
        before: 'Welcome {{ member.id }}',
        after: 'Hello {{ member.id }}',
      },
    ]);

    const preview = await json(
      await s.call('POST', '/api/v1/tenants/t1/playbooks/welcome/publish/preview', {
        token: s.tokens.viewer,
      }),
    );
    expect(preview.version).toBe(2);
    expect(preview.finishing).toBe(1);

    expect(
      (
        await s.call('POST', '/api/v1/tenants/t1/playbooks/welcome/publish', {
          token: editor,
          body: { revision: 1 },
        })
      ).status,
    ).toBe(409);
    expect(
      await json(
        await s.call('POST', '/api/v1/tenants/t1/playbooks/welcome/publish', {
          token: editor,
          body: { revision: 2 },
        }),
      ),
    ).toMatchObject({ version: 2 });
    const back = await json(
      await s.call('POST', '/api/v1/tenants/t1/playbooks/welcome/rollback', {
        token: editor,
        body: { version: 1 },
      }),
    );
    expect(back).toMatchObject({ version: 3, from: 1 });
    const v3 = await json(
      await s.call('GET', '/api/v1/tenants/t1/playbooks/welcome/versions/3', { token: s.tokens.viewer }),
    );
    expect(v3.source).toBe(sandboxPlaybook('welcome'));
    expect(v3.plugins).toEqual({ chat: 'sandbox@1.0.0' });
    const list = await json<{ items: { version: number }[] }>(
      await s.call('GET', '/api/v1/tenants/t1/playbooks/welcome/versions', { token: s.tokens.viewer }),
    );
    expect(list.items.map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('refuses to publish a playbook with errors, with its diagnostics', async () => {
    const { editor } = s.tokens;
    await s.call('POST', '/api/v1/tenants/t1/playbooks', {
      token: editor,
      body: { id: 'broken', source: 'kith: 1\nid: broken\nname: B\nstages: []\n' },
    });
    const res = await s.call('POST', '/api/v1/tenants/t1/playbooks/broken/publish', {
      token: editor,
      body: { revision: 1 },
    });
    expect(res.status).toBe(422);
    const body = await json<{ code: string; diagnostics: { severity: string; path: string }[] }>(res);
    expect(body.code).toBe('invalid-playbook');
    expect(body.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('refuses to delete a playbook members are mid-journey on', async () => {
    const res = await s.call('DELETE', '/api/v1/tenants/t1/playbooks/welcome', { token: s.tokens.editor });
    expect(res.status).toBe(409);
    expect(
      (await s.call('DELETE', '/api/v1/tenants/t1/playbooks/broken', { token: s.tokens.editor })).status,
    ).toBe(204);
  });
});
