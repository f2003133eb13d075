import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, json, type TestServer, testServer } from './helpers.js';

/** Replies to the sandbox become `message.received` events through the plugin's webhook. */
const PLAYBOOK = `kith: 1
id: echo
name: Echo
timezone: UTC
secrets:
  SANDBOX_TOKEN: { description: t }
channels:
  chat: { use: sandbox@^1, with: { token: "\${secrets.SANDBOX_TOKEN}" } }
stages:
  attract:
    journeys:
      - journey: echo
        on: message.received
        steps:
          - { id: answer, send: { via: chat, to: member, text: "You said {{ event.text }}" } }
`;

describe('POST /hooks/:tenant/:instance', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    const { editor } = s.tokens;
    await s.call('PUT', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', {
      token: editor,
      body: { value: 'hook-token-1' },
    });
    await s.call('POST', '/api/v1/tenants/t1/playbooks', {
      token: editor,
      body: { id: 'echo', source: PLAYBOOK },
    });
    const pub = await s.call('POST', '/api/v1/tenants/t1/playbooks/echo/publish', {
      token: editor,
      body: { revision: 1 },
    });
    expect(pub.status).toBe(200);
  });
  afterAll(async () => s.close());

  const sandbox = async () => {
    await s.host.plugins.instances('t1');
    const world = s.host.sandboxes.chatOf('t1', 'chat');
    if (!world) throw new Error('the sandbox is not bound');
    return world;
  };

  it('verifies a signed delivery, ingests it, and the playbook answers', async () => {
    const world = await sandbox();
    const request = await world.member('ann', 'Ann').reply('hello');
    const res = await s.call('POST', '/hooks/t1/chat', {
      headers: { ...request.headers },
      body: new TextDecoder().decode(request.body),
    });
    expect(res.status).toBe(200);
    await eventually(() =>
      expect(world.inbox({ member: 'ann' }).map((m) => m.text)).toEqual(['You said hello']),
    );
    // a redelivery of the same webhook is the same event: no second answer
    const again = await s.call('POST', '/hooks/t1/chat', {
      headers: { ...request.headers },
      body: new TextDecoder().decode(request.body),
    });
    expect(again.status).toBe(200);
    await s.host.settle();
    expect(world.inbox({ member: 'ann' })).toHaveLength(1);
  });

  it('links a delivery to the member who has that address on the channel (imported with identities)', async () => {
    const { editor } = s.tokens;
    const joined = await s.call('POST', '/api/v1/tenants/t1/events', {
      token: editor,
      body: {
        id: 'import-crm-7',
        type: 'member.joined',
        member: 'crm-7',
        data: { identities: { chat: 'carol' } },
      },
    });
    expect(joined.status).toBe(202);
    const world = await sandbox();
    const request = await world.member('carol', 'Carol').reply('it is me');
    const res = await s.call('POST', '/hooks/t1/chat', {
      headers: { ...request.headers },
      body: new TextDecoder().decode(request.body),
    });
    expect(res.status).toBe(200);
    await eventually(() =>
      expect(world.inbox({ member: 'carol' }).map((m) => m.text)).toEqual(['You said it is me']),
    );
    // the message counted for crm-7; nobody named after the address was made
    const member = await json(await s.call('GET', '/api/v1/tenants/t1/members/crm-7', { token: editor }));
    expect(member.messages).toBe(1);
    expect(member.identities).toEqual({ chat: 'carol' });
    expect((await s.call('GET', '/api/v1/tenants/t1/members/carol', { token: editor })).status).toBe(404);
  });

  it('refuses a forged signature with 401 and ingests nothing', async () => {
    const world = await sandbox();
    const request = await world.member('bob').reply('let me in');
    const headers = { ...request.headers, 'x-sandbox-signature': '00'.repeat(32) };
    const res = await s.call('POST', '/hooks/t1/chat', {
      headers,
      body: new TextDecoder().decode(request.body),
    });
    expect(res.status).toBe(401);
    expect((await json(res)).code).toBe('webhook-rejected');
    await s.host.settle();
    expect(world.inbox({ member: 'bob' })).toEqual([]);
    expect(s.logs.some((l) => l.includes('webhook rejected'))).toBe(true);
  });

  it('answers 404 for an unknown tenant or instance, the same way', async () => {
    const a = await s.call('POST', '/hooks/nope/chat', { body: '{}' });
    const b = await s.call('POST', '/hooks/t1/nope', { body: '{}' });
    expect([a.status, b.status]).toEqual([404, 404]);
    expect((await json(a)).detail).toBe((await json(b)).detail);
  });
});
