import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './hmac.js';
import type { SeenIdStore } from './replay.js';
import { checkTimestamp } from './timestamp.js';
import type { VerifyResult, WebhookRequest } from './types.js';

/**
 * Standard Webhooks (standardwebhooks.com, v1 symmetric): headers `webhook-id`,
 * `webhook-timestamp` (unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`, several
 * space-separated during key rotation), signed content `${id}.${timestamp}.${body}`, secrets
 * `whsec_<base64 key>`.
 */
export const STANDARD_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The spec's recommended tolerance for the timestamp, either way. */
export const STANDARD_WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;

const SECRET_PREFIX = 'whsec_';

/** The key bytes of a `whsec_…` secret (the prefix is optional); null when it isn't base64. */
export function decodeWebhookSecret(secret: string): Uint8Array | null {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (b64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  return Buffer.from(b64, 'base64');
}

/** A new random secret in the spec's format (24 bytes is the spec's minimum recommendation). */
export function generateWebhookSecret(bytes = 24): string {
  return SECRET_PREFIX + randomBytes(bytes).toString('base64');
}

export interface StandardWebhookMessage {
  id: string;
  /** Unix time in seconds, as the header carries it. */
  timestamp: number;
  body: string | Uint8Array;
}

function signatureBytes(key: Uint8Array, message: StandardWebhookMessage): Buffer {
  return createHmac('sha256', key)
    .update(`${message.id}.${message.timestamp}.`)
    .update(message.body)
    .digest();
}

/** `v1,<base64>` for the message under `secret`. */
export function signStandardWebhook(secret: string, message: StandardWebhookMessage): string {
  const key = decodeWebhookSecret(secret);
  if (key === null) throw new TypeError('webhook secret must be whsec_ followed by base64');
  return `v1,${signatureBytes(key, message).toString('base64')}`;
}

/** The three headers a sender adds; pass several secrets to sign with each during a rotation. */
export function standardWebhookHeaders(
  secret: string | readonly string[],
  message: StandardWebhookMessage,
): Record<string, string> {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: message.id,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(message.timestamp),
    [STANDARD_WEBHOOK_HEADERS.signature]: secrets.map((s) => signStandardWebhook(s, message)).join(' '),
  };
}

export interface VerifyStandardWebhookOptions {
  /** The receiver's secret(s); any one matching is enough (rotation). */
  secret: string | readonly string[];
  now: number;
  toleranceMs?: number;
  /** When given, a webhook id seen before (within the tolerance window) is rejected as replayed. */
  seen?: SeenIdStore;
}

/**
 * Verifies a Standard Webhooks request. Order matters: the signature is checked before the id is
 * remembered, so forged requests cannot fill the seen-id store or block a genuine id.
 */
export async function verifyStandardWebhook(
  request: Pick<WebhookRequest, 'headers' | 'body'>,
  options: VerifyStandardWebhookOptions,
): Promise<VerifyResult> {
  const id = request.headers[STANDARD_WEBHOOK_HEADERS.id];
  const ts = request.headers[STANDARD_WEBHOOK_HEADERS.timestamp];
  const sig = request.headers[STANDARD_WEBHOOK_HEADERS.signature];
  if (id === undefined || ts === undefined || sig === undefined) {
    return {
      ok: false,
      reason: 'missing-signature',
      message: 'webhook-id, webhook-timestamp and webhook-signature are required',
    };
  }
  if (!/^\d{1,12}$/.test(ts))
    return { ok: false, reason: 'malformed', message: 'webhook-timestamp is not unix seconds' };
  const timestamp = Number(ts);
  const tolerance = options.toleranceMs ?? STANDARD_WEBHOOK_TOLERANCE_MS;
  const when = checkTimestamp(timestamp * 1000, options.now, tolerance);
  if (when !== 'ok') {
    return {
      ok: false,
      reason: 'stale',
      message: `webhook-timestamp is too far in the ${when === 'stale' ? 'past' : 'future'}`,
    };
  }
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  const keys = secrets.map(decodeWebhookSecret).filter((k): k is Uint8Array => k !== null);
  const given = sig
    .split(' ')
    .map((part) => part.split(','))
    .filter((p) => p[0] === 'v1' && p[1] !== undefined)
    .map((p) => Buffer.from(p[1]!, 'base64'));
  const message = { id, timestamp, body: request.body };
  const valid = keys.some((key) => {
    const expected = signatureBytes(key, message);
    return given.some((g) => constantTimeEqual(expected, g));
  });
  if (!valid) return { ok: false, reason: 'bad-signature', message: 'no v1 signature matches' };
  if (options.seen !== undefined) {
    const first = await options.seen.remember(
      `standard-webhooks:${id}`,
      timestamp * 1000 + tolerance,
      options.now,
    );
    if (!first) return { ok: false, reason: 'replayed', message: `webhook-id ${id} was already accepted` };
  }
  return { ok: true };
}
