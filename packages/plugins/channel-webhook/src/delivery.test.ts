import { createEffectDeliverer, type Effect, instantiatePlugin, type PluginInstance } from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookChannel } from './plugin.js';
import { startWebhookReceiver, type WebhookReceiver } from './receiver.js';

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(() => receiver.close());

function bind(url = receiver.url, extra: Record<string, unknown> = {}): PluginInstance {
  const r = instantiatePlugin({
    id: 'hook',
    plugin: webhookChannel,
    with: { url, secret: '${secrets.HOOK}', ...extra },
    secrets: { HOOK: receiver.secret },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.instance;
}

const effect = (key: string): Effect => ({
  key,
  tenant: 't',
  member: 'ann',
  instance: 'ann:welcome',
  step: 'hello',
  type: 'message.send',
  target: 'hook',
  data: {
    to: { kind: 'member', member: 'ann', address: 'ann@example.org' },
    text: 'Hi Ann',
    subject: null,
    html: null,
    image: null,
    buttons: [],
    critical: false,
  },
  notBefore: 0,
});

describe('webhook channel against a real receiver on 127.0.0.1', () => {
  it('POSTs a signed envelope whose webhook-id is the effect’s idempotency key, the same on every retry', async () => {
    const d = createEffectDeliverer({ instances: [bind()] });
    receiver.failNext({ kind: 'server-error' });
    expect(await d.deliver(effect('t:ann:welcome:hello:0'), 1)).toMatchObject({ ok: false, retryable: true });
    expect(await d.deliver(effect('t:ann:welcome:hello:0'), 2)).toEqual({ ok: true });
    expect(receiver.refused).toBe(0);
    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]).toMatchObject({
      id: 't:ann:welcome:hello:0',
      envelope: {
        type: 'message.send',
        data: { text: 'Hi Ann', to: { kind: 'member', address: 'ann@example.org' } },
      },
    });
  });

  it('is refused by a receiver holding another secret (the receiver verifies, too)', async () => {
    const other = await startWebhookReceiver();
    try {
      const d = createEffectDeliverer({ instances: [bind(other.url)] });
      const r = await d.deliver(effect('k2'), 1);
      expect(r).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringMatching(/^permanent: receiver answered 400/),
      });
      expect(other.refused).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('counts an unreachable receiver and a timeout as transient', async () => {
    const url = receiver.url;
    await receiver.close();
    const ctx = createTestContext(webhookChannel, { url, secret: receiver.secret });
    const channel = webhookChannel.capabilities.channel!;
    const msg = {
      to: { kind: 'member' as const, member: 'ann', address: 'a' },
      text: 'x',
      subject: null,
      html: null,
      image: null,
      buttons: [],
    };
    await expect(channel.send(ctx, msg)).rejects.toMatchObject({ kind: 'transient' });
    receiver = await startWebhookReceiver();
    const slow = createTestContext(
      webhookChannel,
      { url: receiver.url, secret: receiver.secret, timeoutMs: 100 },
      {
        fetch: (_input, init) =>
          new Promise((_, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          ),
      },
    );
    await expect(channel.send(slow, msg)).rejects.toMatchObject({ kind: 'transient' });
  });

  it('keys rate limits by endpoint: two instances on one URL share a connection', () => {
    const a = bind();
    const b = instantiatePlugin({
      id: 'other',
      plugin: webhookChannel,
      with: { url: receiver.url, secret: receiver.secret },
    });
    expect(b.ok && b.instance.connection).toBe(a.connection);
  });

  it('rejects a secret that is not whsec_ base64 at configuration time', () => {
    const r = instantiatePlugin({
      id: 'h',
      plugin: webhookChannel,
      with: { url: receiver.url, secret: 'hunter2' },
    });
    expect(r).toMatchObject({ ok: false, issues: [{ path: '/secret' }] });
  });

  it('reports the invite’s attribution on join', async () => {
    const ctx = createTestContext(webhookChannel, { url: receiver.url, secret: receiver.secret });
    const channel = webhookChannel.capabilities.channel!;
    const invite = await channel.createInvite(ctx, {
      member: 'ann',
      group: null,
      attribution: { referrer: 'ann', campaign: 'spring' },
    });
    expect(invite.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/join\?code=/);
    const req = receiver.sign('member.joined', { address: 'bob@example.org', invite: invite.code });
    expect(await channel.webhook!.verify(ctx, req)).toEqual({ ok: true });
    const parsed = await channel.webhook!.parse(ctx, req);
    expect(parsed.events[0]?.data).toEqual({
      invite: invite.code,
      attribution: { referrer: 'ann', campaign: 'spring' },
    });
  });
});
