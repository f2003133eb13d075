import type { PluginContext, VerifyResult, WebhookRequest } from '@kith/sdk';
import { checkTimestamp } from '@kith/sdk/webhook';
import type { WeComConfig } from '../config.js';
import { CryptoError, decryptMessage, signatureMatches, type WeComKeys } from '../crypto/wxbiz-msg-crypt.js';
import { childText, parseXml, XmlError } from '../xml.js';

type Ctx = PluginContext<WeComConfig>;

/** The callback settings, or null when the instance has none (a robot-only instance). */
export function callbackKeys(config: WeComConfig): WeComKeys | null {
  const { corpId, callbackToken, encodingAesKey } = config;
  if (corpId === undefined || callbackToken === undefined || encodingAesKey === undefined) return null;
  return { token: callbackToken, encodingAesKey, receiveId: corpId };
}

/**
 * The ciphertext a callback carries: `echostr` in the GET that verifies the URL, the `<Encrypt>` of
 * the POSTed XML envelope otherwise. Base64 has no spaces: a '+' a query parser turned into one is
 * put back.
 */
export function cipherOf(request: WebhookRequest): string | null {
  if (request.method === 'GET') return request.query.echostr?.replace(/ /g, '+') ?? null;
  try {
    const envelope = parseXml(Buffer.from(request.body).toString('utf8'));
    return childText(envelope, 'Encrypt')?.replace(/ /g, '+') ?? null;
  } catch (e) {
    if (e instanceof XmlError) return null;
    throw e;
  }
}

const nonceKey = (timestamp: string, nonce: string) => `nonce:${timestamp}:${nonce}`;
const refuse = (reason: Exclude<VerifyResult, { ok: true }>['reason'], message: string): VerifyResult => ({
  ok: false,
  reason,
  message,
});

/**
 * 企业微信 callback verification: the msg_signature over [token, timestamp, nonce, ciphertext]
 * (compared in constant time), a timestamp within the window, a ciphertext that decrypts with our
 * key to our corp id, and — for POSTed events — a nonce not seen before within the window.
 */
export async function verifyCallback(ctx: Ctx, request: WebhookRequest): Promise<VerifyResult> {
  const keys = callbackKeys(ctx.config);
  if (keys === null)
    return refuse('malformed', 'callbacks are not configured: set corpId, callbackToken and encodingAesKey');
  if (request.method !== 'GET' && request.method !== 'POST')
    return refuse('malformed', 'WeCom callbacks are GET (URL check) or POST');
  const { msg_signature: signature, timestamp, nonce } = request.query;
  if (signature === undefined || timestamp === undefined || nonce === undefined)
    return refuse('missing-signature', 'msg_signature, timestamp and nonce are required');
  const cipher = cipherOf(request);
  if (cipher === null) return refuse('malformed', 'no echostr or <Encrypt> to verify');
  if (!signatureMatches(keys, signature, timestamp, nonce, cipher))
    return refuse('bad-signature', 'msg_signature does not match');
  const windowMs = ctx.config.callbackWindowSeconds * 1000;
  const now = ctx.clock.now();
  if (!/^\d{1,12}$/.test(timestamp) || checkTimestamp(Number(timestamp) * 1000, now, windowMs) !== 'ok')
    return refuse('stale', `timestamp is more than ${ctx.config.callbackWindowSeconds}s from now`);
  try {
    if (decryptMessage(keys, cipher).receiveId !== keys.receiveId)
      return refuse('bad-signature', 'the message is for another corp (receiveid mismatch)');
  } catch (e) {
    if (e instanceof CryptoError || (e instanceof Error && 'code' in e))
      return refuse('malformed', 'the ciphertext does not decrypt with our EncodingAESKey');
    throw e;
  }
  if (request.method === 'POST') {
    // A captured callback replayed inside the window is refused; older ones fail the timestamp check.
    const key = nonceKey(timestamp, nonce);
    if ((await ctx.kv.get(key)) !== undefined) return refuse('replayed', 'this nonce was already used');
    await ctx.kv.set(key, signature, { ttlMs: 2 * windowMs });
  }
  return { ok: true };
}
