import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { type EchoLog, echoDefinition, echoPlugin } from '../__fixtures__/echo-plugin.js';
import type { Effect } from '../engine.js';
import { PluginError } from '../errors/plugin-error.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { memoryRateLimiterStore, type RateLimiterStore } from '../rate-limit/store.js';
import { webhookRequest } from '../webhook/request.js';
import { createEffectDeliverer, toDeliveryResult } from './deliverer.js';
import { instantiatePlugin, type PluginInstance } from './instance.js';
import { handleWebhook } from './webhook.js';

function bind(log: EchoLog, extra: Partial<Parameters<typeof instantiatePlugin>[0]> = {}): PluginInstance {
  const r = instantiatePlugin({
    id: 'group',
    plugin: echoPlugin(log),
    with: { token: '${secrets.T}' },
    secrets: { T: 'tok-1' },
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.instance;
}

let n = 0;
function send(to: Record<string, unknown>, text = 'hi'): Effect {
  n += 1;
  return {
    key: `k${n}`,
    tenant: 't',
    member: 'ann',
    instance: 'ann:welcome',
    step: 'hello',
    type: 'message.send',
    target: 'group',
    data: { to, text, subject: null, html: null, image: null, buttons: [], critical: false },
    notBefore: 0,
  };
}

describe('instantiatePlugin', () => {
  it('resolves config, keeps the exact version and hashes the connection key', () => {
    const inst = bind({ sent: [], failures: [] });
    expect(inst.version).toBe('1.2.3');
    expect(inst.config).toEqual({ token: 'tok-1', baseUrl: 'https://echo.example' });
    expect(inst.connection).toMatch(/^echo:[0-9a-f]{16}$/);
    expect(inst.connection).not.toContain('tok-1');
    expect(bind({ sent: [], failures: [] }).connection).toBe(inst.connection);
    const other = instantiatePlugin({ id: 'x', plugin: echoPlugin(), with: { token: 'tok-2' } });
    expect(other.ok && other.instance.connection).not.toBe(inst.connection);
  });

  it('reports config problems and refuses incompatible context versions', () => {
    expect(instantiatePlugin({ id: 'g', plugin: echoPlugin(), with: {} })).toMatchObject({
      ok: false,
      issues: [{ path: '/token' }],
    });
    const future = { ...echoPlugin(), contextVersion: 9 };
    expect(instantiatePlugin({ id: 'g', plugin: future, with: { token: 't' } })).toMatchObject({
      ok: false,
      issues: [{ message: expect.stringMatching(/needs plugin context v9/) }],
    });
  });
});

describe('createEffectDeliverer', () => {
  it('sends with the idempotency key and the resolved recipient', async () => {
    const log: EchoLog = { sent: [], failures: [] };
    const d = createEffectDeliverer({ instances: [bind(log)], clock: { now: () => 0 } });
    const outcome = await d.attempt(send({ kind: 'member', member: 'ann', address: '@ann' }), 1);
    expect(outcome).toEqual({ status: 'delivered', result: { providerMessageId: 'm1' } });
    expect(log.sent).toEqual([{ to: '@ann', text: 'hi', key: 'k1', at: 0 }]);
  });

  it('defers past the rate limit, holds the slot, and sends on the way back without reserving again', async () => {
    let now = 0;
    const log: EchoLog = { sent: [], failures: [] };
    const d = createEffectDeliverer({
      instances: [bind(log)],
      clock: { now: () => now },
      rateLimitMargin: 0,
    });
    const g = { kind: 'group', member: 'ann', pool: 'p', group: 'g1' };
    expect((await d.attempt(send(g), 1)).status).toBe('delivered');
    expect((await d.attempt(send(g), 1)).status).toBe('delivered');
    const third = send(g);
    expect(await d.attempt(third, 1)).toEqual({ status: 'deferred', waitMs: 60_000 });
    expect(await d.deliver(third, 2)).toEqual({
      ok: false,
      error: 'rate limit: waiting for a send slot',
      retryable: true,
      retryAfterMs: 60_000,
    });
    now = 60_000;
    expect((await d.attempt(third, 3)).status).toBe('delivered');
    expect(log.sent.map((s) => s.at)).toEqual([0, 0, 60_000]);
  });

  it('gives up a held slot the engine comes back for long after its time, and books anew', async () => {
    let now = 0;
    const log: EchoLog = { sent: [], failures: [] };
    const d = createEffectDeliverer({
      instances: [bind(log)],
      clock: { now: () => now },
      rateLimitMargin: 0,
    });
    const g = { kind: 'group', member: 'ann', pool: 'p', group: 'g1' };
    await d.attempt(send(g), 1);
    await d.attempt(send(g), 1);
    const late = send(g);
    expect(await d.attempt(late, 1)).toEqual({ status: 'deferred', waitMs: 60_000 });
    // two more sends book the slots after it, then the held one comes back 30 s late (a worker
    // died): sending now would make three sends in one minute's window
    const next = [send(g), send(g)];
    for (const e of next) expect((await d.attempt(e, 1)).status).toBe('deferred');
    now = 90_000;
    const again = await d.attempt(late, 2);
    expect(again.status).toBe('deferred');
    expect(log.sent).toHaveLength(2);
    // a slot used on time (within a tenth of the window) is still sent without booking again
    const g2 = { ...g, group: 'g2' };
    await d.attempt(send(g2), 1);
    await d.attempt(send(g2), 1);
    const onTime = send(g2);
    const wait = await d.attempt(onTime, 1);
    if (wait.status !== 'deferred') throw new Error('expected a wait');
    now += wait.waitMs + 5_000;
    expect((await d.attempt(onTime, 2)).status).toBe('delivered');
  });

  it('books each window a tenth longer by default, so sends that leave late stay within the limit', async () => {
    const now = 0;
    const log: EchoLog = { sent: [], failures: [] };
    const g = { kind: 'group', member: 'ann', pool: 'p', group: 'g1' };
    const d = createEffectDeliverer({ instances: [bind(log)], clock: { now: () => now } });
    await d.attempt(send(g), 1);
    await d.attempt(send(g), 1);
    // 2 per minute to a group: the third waits 66 s, not 60 s
    expect(await d.attempt(send(g), 1)).toEqual({ status: 'deferred', waitMs: 66_000 });
    expect(() => createEffectDeliverer({ instances: [bind(log)], rateLimitMargin: -0.1 })).toThrow(
      /rateLimitMargin must be a share of the window from 0 to 1, got -0.1/,
    );
  });

  it('books again when the booking is answered late, and puts the send off when every answer is', async () => {
    let now = 0;
    let delay = 0;
    const booked: number[] = [];
    const inner = memoryRateLimiterStore();
    // a store whose answers take `delay` ms of the clock (a busy process, a slow Redis)
    const slow: RateLimiterStore = {
      reserve: async (buckets, at) => {
        booked.push(at);
        const r = await inner.reserve(buckets, at);
        now += delay;
        return r;
      },
    };
    const log: EchoLog = { sent: [], failures: [] };
    const d = createEffectDeliverer({
      instances: [bind(log)],
      clock: { now: () => now },
      limiterStore: slow,
    });
    const to = { kind: 'member', member: 'ann', address: '@ann' };
    // on time: one booking, sent
    expect((await d.attempt(send(to), 1)).status).toBe('delivered');
    expect(booked).toEqual([0]);
    // the answer takes 400 ms (the window is 1 s, so 100 ms is the tolerance): booked again at 400,
    // then answered on time
    delay = 400;
    let calls = 0;
    slow.reserve = async (buckets, at) => {
      booked.push(at);
      const r = await inner.reserve(buckets, at);
      now += calls++ === 0 ? delay : 0;
      return r;
    };
    expect((await d.attempt(send(to), 1)).status).toBe('delivered');
    expect(booked).toEqual([0, 0, 400]);
    expect(log.sent.map((s) => s.at)).toEqual([0, 400]);
    // every answer late: put off, not sent
    slow.reserve = async (buckets, at) => {
      booked.push(at);
      const r = await inner.reserve(buckets, at);
      now += 400;
      return r;
    };
    expect(await d.attempt(send(to), 1)).toEqual({ status: 'deferred', waitMs: 100 });
    expect(booked.slice(3)).toEqual([400, 800, 1200]);
    expect(log.sent).toHaveLength(2);
  });

  it('turns plugin errors into engine results: rate-limited waits, transient retries, permanent and auth dead-letter', async () => {
    const log: EchoLog = {
      sent: [],
      failures: [
        PluginError.rateLimited('429', 5000),
        PluginError.transient('503'),
        PluginError.permanent('400'),
        PluginError.auth('401'),
      ],
    };
    const d = createEffectDeliverer({ instances: [bind(log)] });
    const to = { kind: 'member', member: 'ann', address: null };
    expect(await d.deliver(send(to), 1)).toEqual({
      ok: false,
      error: 'rate-limited: 429',
      retryable: true,
      retryAfterMs: 5000,
    });
    expect(await d.deliver(send(to), 1)).toEqual({ ok: false, error: 'transient: 503', retryable: true });
    expect(await d.deliver(send(to), 1)).toEqual({ ok: false, error: 'permanent: 400', retryable: false });
    expect(await d.deliver(send(to), 1)).toEqual({ ok: false, error: 'auth: 401', retryable: false });
    expect(toDeliveryResult({ status: 'delivered', result: null })).toEqual({ ok: true });
  });

  it('refuses what cannot be delivered, permanently', async () => {
    const d = createEffectDeliverer({ instances: [bind({ sent: [], failures: [] })] });
    const noGroup = await d.attempt(send({ kind: 'group', member: 'ann', pool: null, group: null }), 1);
    expect(noGroup).toMatchObject({
      status: 'failed',
      error: { kind: 'permanent', message: 'member ann is in no group on channel group' },
    });
    const groupOpen = {
      ...send({}),
      type: 'group.open',
      data: { pool: 'p', group: 'g', name: 'G', members: [] },
    };
    expect(await d.attempt(groupOpen, 1)).toMatchObject({
      status: 'failed',
      error: { message: 'echo (instance group) cannot create groups' },
    });
    expect(await d.attempt({ ...send({}), target: 'nope' }, 1)).toMatchObject({
      error: { message: "no plugin instance 'nope'" },
    });
  });

  it('runs actions with their input checked against the schema', async () => {
    const d = createEffectDeliverer({ instances: [bind({ sent: [], failures: [] })] });
    const call = (input: Record<string, unknown>) => ({
      ...send({}),
      type: 'plugin.call',
      data: { action: 'shout', input },
    });
    expect(await d.attempt(call({ word: 'hey', times: 2 }), 1)).toEqual({
      status: 'delivered',
      result: { shouted: 'HEYHEY' },
    });
    expect(await d.attempt(call({ times: 0 }), 1)).toMatchObject({
      status: 'failed',
      error: { kind: 'permanent' },
    });
    expect(await d.attempt({ ...call({}), data: { action: 'whisper', input: {} } }, 1)).toMatchObject({
      error: { message: "echo (instance group) cannot run action 'whisper' (it has: shout)" },
    });
  });
});

describe('handleWebhook', () => {
  const def = echoDefinition();
  const inbound = definePlugin({
    ...def,
    capabilities: {
      ...def.capabilities,
      channel: {
        ...def.capabilities.channel!,
        webhook: {
          async verify(ctx, req) {
            return req.headers['x-token'] === ctx.config.token
              ? { ok: true }
              : { ok: false, reason: 'bad-signature', message: 'no' };
          },
          async parse() {
            return {
              events: [
                {
                  id: 'update:7',
                  type: 'message.received',
                  at: 5,
                  address: '@ann',
                  group: null,
                  data: { text: 'hi' },
                },
              ],
              reply: { status: 200, body: 'ok' },
            };
          },
        },
      },
      triggers: [{ event: 'message.received', description: 'x', data: Type.Object({}) }],
    },
  });
  const r = instantiatePlugin({ id: 'tg', plugin: inbound, with: { token: 'tok' } });
  const instance = r.ok ? r.instance : (undefined as never);

  it('verifies, parses and maps to engine events with instance-prefixed ids', async () => {
    const out = await handleWebhook(instance, webhookRequest({ headers: { 'x-token': 'tok' } }), {
      tenant: 't1',
      memberOf: (address) => (address === '@ann' ? 'ann' : null),
    });
    expect(out).toEqual({
      status: 'accepted',
      reply: { status: 200, body: 'ok' },
      ack: 'received',
      failureReply: null,
      events: [
        {
          tenant: 't1',
          id: 'tg:update:7',
          type: 'message.received',
          member: 'ann',
          at: 5,
          data: { text: 'hi', channel: 'tg', address: '@ann', group: null, name: null },
        },
      ],
    });
  });

  it('asks an asynchronous directory (a store lookup) for the member, with the instance id', async () => {
    const asked: [string, string][] = [];
    const out = await handleWebhook(instance, webhookRequest({ headers: { 'x-token': 'tok' } }), {
      tenant: 't1',
      memberOf: async (address, channel) => {
        asked.push([address, channel]);
        await new Promise((r) => setTimeout(r, 1));
        return 'crm-0042';
      },
    });
    expect(asked).toEqual([['@ann', 'tg']]);
    expect(out.status === 'accepted' && out.events.map((e) => e.member)).toEqual(['crm-0042']);
  });

  it('rejects an unverified request without parsing it', async () => {
    expect(await handleWebhook(instance, webhookRequest({}), { tenant: 't1' })).toEqual({
      status: 'rejected',
      reason: 'bad-signature',
      message: 'no',
    });
  });
});
