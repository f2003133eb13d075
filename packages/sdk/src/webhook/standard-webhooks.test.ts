import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memorySeenIdStore } from './replay.js';
import { webhookRequest } from './request.js';
import {
  decodeWebhookSecret,
  generateWebhookSecret,
  signStandardWebhook,
  standardWebhookHeaders,
  verifyStandardWebhook,
} from './standard-webhooks.js';

/** The spec's algorithm written out independently: HMAC-SHA256(base64-decoded key, `${id}.${ts}.${body}`). */
function specSignature(secret: string, id: string, ts: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
}

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const now = 1_700_000_000_000;
const ts = now / 1000;
const body = '{"type":"message.received","data":{"text":"hi"}}';

function request(headers: Record<string, string>, b: string = body) {
  return webhookRequest({ headers, body: b });
}

describe('Standard Webhooks', () => {
  it('matches the example in the specification', () => {
    expect(
      signStandardWebhook(secret, {
        id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        timestamp: 1614265330,
        body: '{"test": 2432232314}',
      }),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs as the spec computes it, for any id, time and body', () => {
    for (const [id, t, b] of [
      ['msg_1', 1, ''],
      ['evt 2', 1_700_000_123, '{"a":"ünïcødé"}'],
    ] as const) {
      expect(signStandardWebhook(secret, { id, timestamp: t, body: b })).toBe(
        specSignature(secret, id, t, b),
      );
    }
  });

  it('verifies what it signs', async () => {
    const headers = standardWebhookHeaders(secret, { id: 'msg_1', timestamp: ts, body });
    expect(headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(ts),
      'webhook-signature': specSignature(secret, 'msg_1', ts, body),
    });
    expect(await verifyStandardWebhook(request(headers), { secret, now })).toEqual({ ok: true });
  });

  it('rejects a tampered body', async () => {
    const headers = standardWebhookHeaders(secret, { id: 'msg_1', timestamp: ts, body });
    const r = await verifyStandardWebhook(request(headers, body.replace('hi', 'ho')), { secret, now });
    expect(r).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a signature made with another key', async () => {
    const headers = standardWebhookHeaders(generateWebhookSecret(), { id: 'msg_1', timestamp: ts, body });
    expect(await verifyStandardWebhook(request(headers), { secret, now })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a timestamp outside five minutes either way, and accepts one inside', async () => {
    for (const [offset, ok] of [
      [-301, false],
      [301, false],
      [-299, true],
      [299, true],
    ] as const) {
      const headers = standardWebhookHeaders(secret, { id: 'm', timestamp: ts + offset, body });
      const r = await verifyStandardWebhook(request(headers), { secret, now });
      expect(r.ok, `offset ${offset}s`).toBe(ok);
      if (!ok) expect(r).toMatchObject({ reason: 'stale' });
    }
  });

  it('rejects a replayed id when given a seen-id store, but only after the signature verified', async () => {
    const seen = memorySeenIdStore();
    const headers = standardWebhookHeaders(secret, { id: 'msg_replay', timestamp: ts, body });
    expect(await verifyStandardWebhook(request(headers), { secret, now, seen })).toEqual({ ok: true });
    expect(await verifyStandardWebhook(request(headers), { secret, now: now + 1000, seen })).toMatchObject({
      ok: false,
      reason: 'replayed',
    });
    // A forged request with a fresh id is refused for its signature and leaves no trace in the store.
    const forged = { ...headers, 'webhook-id': 'msg_new', 'webhook-signature': 'v1,AAAA' };
    expect(await verifyStandardWebhook(request(forged), { secret, now, seen })).toMatchObject({
      reason: 'bad-signature',
    });
    expect(seen.size()).toBe(1);
  });

  it('accepts any of several space-separated signatures, and ignores other versions', async () => {
    const good = specSignature(secret, 'm', ts, body);
    const headers = {
      'webhook-id': 'm',
      'webhook-timestamp': String(ts),
      'webhook-signature': `v1a,xyz v1,AAAA ${good}`,
    };
    expect(await verifyStandardWebhook(request(headers), { secret, now })).toEqual({ ok: true });
  });

  it('verifies during a key rotation with either secret', async () => {
    const next = generateWebhookSecret();
    const headers = standardWebhookHeaders([secret, next], { id: 'm', timestamp: ts, body });
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(await verifyStandardWebhook(request(headers), { secret: next, now })).toEqual({ ok: true });
    expect(
      await verifyStandardWebhook(request(headers), { secret: [generateWebhookSecret(), secret], now }),
    ).toEqual({ ok: true });
  });

  it('reports missing and malformed headers', async () => {
    expect(await verifyStandardWebhook(request({}), { secret, now })).toMatchObject({
      reason: 'missing-signature',
    });
    const headers = { 'webhook-id': 'm', 'webhook-timestamp': 'yesterday', 'webhook-signature': 'v1,x' };
    expect(await verifyStandardWebhook(request(headers), { secret, now })).toMatchObject({
      reason: 'malformed',
    });
  });

  it('decodes whsec_ secrets and makes new ones of the spec’s size', () => {
    expect(decodeWebhookSecret(secret)).toHaveLength(24);
    expect(decodeWebhookSecret('whsec_not base64!')).toBeNull();
    expect(generateWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  });
});
