import type { VerifyResult, WebhookHandler, WebhookRequest } from '@kith/sdk';
import { checkTimestamp, constantTimeEqual, header } from '@kith/sdk/webhook';
import type { FeishuConfig } from './config.js';
import { isEnvelope, isUrlVerification } from './events.js';
import { normalise } from './normalize.js';
import { readPayload } from './payload.js';
import { eventSignatureMatches } from './signing.js';

/**
 * Feishu publishes no window for callback timestamps; an hour is the tolerance it applies to its
 * own bot signatures. Each signature is remembered that long (twice, for clocks ahead), so a
 * captured callback cannot be replayed; Feishu's retries are new requests, and the same
 * `event_id` makes them the same event, which the engine ingests once.
 */
const TOLERANCE_MS = 60 * 60 * 1000;
const SEEN_TTL_MS = 2 * TOLERANCE_MS;

const HEADERS = {
  timestamp: 'x-lark-request-timestamp',
  nonce: 'x-lark-request-nonce',
  signature: 'x-lark-signature',
} as const;

const fail = (reason: Extract<VerifyResult, { ok: false }>['reason'], message: string): VerifyResult => ({
  ok: false,
  reason,
  message,
});

function tokenOf(payload: unknown): string | null {
  if (isUrlVerification(payload)) return payload.token ?? null;
  if (isEnvelope(payload)) return payload.header.token ?? null;
  return null;
}

function sameSecret(a: string, b: string): boolean {
  return constantTimeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** X-Lark-Signature, checked when the app has an Encrypt Key; null when the request passes. */
function checkSignature(encryptKey: string, request: WebhookRequest, now: number): VerifyResult | null {
  const timestamp = header(request, HEADERS.timestamp);
  const nonce = header(request, HEADERS.nonce);
  const signature = header(request, HEADERS.signature);
  if (timestamp === undefined || nonce === undefined || signature === undefined) {
    return fail('missing-signature', 'X-Lark-Request-Timestamp, -Nonce and X-Lark-Signature are required');
  }
  if (!/^\d{1,12}$/.test(timestamp)) return fail('malformed', 'X-Lark-Request-Timestamp is not seconds');
  if (checkTimestamp(Number(timestamp) * 1000, now, TOLERANCE_MS) !== 'ok') {
    return fail('stale', 'X-Lark-Request-Timestamp is more than an hour from now');
  }
  if (!eventSignatureMatches(timestamp, nonce, encryptKey, request.body, signature)) {
    return fail('bad-signature', 'X-Lark-Signature does not match');
  }
  return null;
}

/**
 * Event subscription callbacks (schema 2.0), plain or encrypted. With an Encrypt Key every
 * callback must carry a valid X-Lark-Signature, except the URL check, which Feishu may send
 * unsigned (it still has to decrypt under our key and carry our token). Every callback must
 * carry the Verification Token.
 */
export const webhook: WebhookHandler<FeishuConfig> = {
  async verify(ctx, request) {
    const { verificationToken, encryptKey } = ctx.config;
    if (verificationToken === undefined) {
      return fail('missing-signature', 'inbound is not configured: set verificationToken');
    }
    const signed = header(request, HEADERS.signature) !== undefined;
    // The signature covers the raw body, so it is checked before anything is decrypted.
    if (encryptKey !== undefined && signed) {
      const refused = checkSignature(encryptKey, request, ctx.clock.now());
      if (refused !== null) return refused;
    }
    const payload = readPayload(ctx.config, request);
    if (encryptKey !== undefined && !signed) {
      // Only the URL check may come unsigned. Anything else, readable or not, gets the same answer,
      // so an unsigned request learns nothing about how its ciphertext decrypted.
      if (!payload.ok || !payload.encrypted || !isUrlVerification(payload.value)) {
        return fail(
          'missing-signature',
          'X-Lark-Request-Timestamp, -Nonce and X-Lark-Signature are required',
        );
      }
    }
    if (!payload.ok) return fail('malformed', payload.message);
    const token = tokenOf(payload.value);
    if (token === null) return fail('malformed', 'not a Feishu event callback (schema 2.0) or URL check');
    if (!sameSecret(token, verificationToken))
      return fail('bad-signature', 'verification token does not match');
    if (signed && encryptKey !== undefined) {
      const key = `seen:${header(request, HEADERS.signature)!.toLowerCase()}`;
      if ((await ctx.kv.get(key)) !== undefined)
        return fail('replayed', 'this signed callback was already received');
      await ctx.kv.set(key, true, { ttlMs: SEEN_TTL_MS });
    }
    return { ok: true };
  },

  async parse(ctx, request) {
    const payload = readPayload(ctx.config, request);
    if (!payload.ok) return { events: [] };
    if (isUrlVerification(payload.value)) {
      return {
        events: [],
        reply: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ challenge: payload.value.challenge }),
        },
      };
    }
    return { events: isEnvelope(payload.value) ? normalise(payload.value) : [] };
  },
};
