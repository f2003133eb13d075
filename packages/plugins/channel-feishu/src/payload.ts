import type { WebhookRequest } from '@kith/sdk';
import { bodyJson } from '@kith/sdk/webhook';
import type { FeishuConfig } from './config.js';
import { decryptEvent } from './signing.js';

export type Payload = { ok: true; value: unknown; encrypted: boolean } | { ok: false; message: string };

/**
 * The callback's JSON, decrypted when it arrived as `{"encrypt": "…"}`. A request encrypted for a
 * key we do not hold, or plain text while we expect encryption, is not ours to read.
 */
export function readPayload(config: FeishuConfig, request: WebhookRequest): Payload {
  const body = bodyJson(request);
  if (typeof body !== 'object' || body === null) return { ok: false, message: 'body is not JSON' };
  const encrypt = (body as { encrypt?: unknown }).encrypt;
  if (typeof encrypt !== 'string') return { ok: true, value: body, encrypted: false };
  if (config.encryptKey === undefined) {
    return { ok: false, message: 'the event is encrypted but no encryptKey is configured' };
  }
  const plain = decryptEvent(config.encryptKey, encrypt);
  if (plain === null)
    return { ok: false, message: 'the event does not decrypt with the configured encryptKey' };
  try {
    return { ok: true, value: JSON.parse(plain) as unknown, encrypted: true };
  } catch {
    return { ok: false, message: 'the decrypted event is not JSON' };
  }
}
