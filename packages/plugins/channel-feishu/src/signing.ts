import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import { constantTimeEqual } from '@kith/sdk/webhook';

/**
 * The custom bot's signature (自定义机器人 签名校验), sent in the JSON body with the timestamp:
 *
 *   sign = base64( HMAC-SHA256( key = `${timestampSeconds}\n${secret}`, message = "" ) )
 *
 * The string is the *key* and the message is empty, and the timestamp is in seconds. DingTalk
 * differs on both: milliseconds, the secret as the key and the string as the message.
 */
export function feishuBotSign(secret: string, timestampSeconds: number | string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** Feishu refuses bot signatures whose timestamp is more than an hour from its clock. */
export const BOT_SIGNATURE_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * An event callback's signature (X-Lark-Signature), present when the app has an Encrypt Key:
 * hex( SHA-256( timestamp + nonce + encryptKey + rawBody ) ), a plain hash, not an HMAC.
 */
export function eventSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  body: Uint8Array,
): string {
  return createHash('sha256').update(`${timestamp}${nonce}${encryptKey}`, 'utf8').update(body).digest('hex');
}

export function eventSignatureMatches(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  body: Uint8Array,
  signature: string,
): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = Buffer.from(eventSignature(timestamp, nonce, encryptKey, body), 'hex');
  return constantTimeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * Decrypts an `{"encrypt": "…"}` event: AES-256-CBC with key = SHA-256(encryptKey), the base64
 * payload's first 16 bytes as the IV, PKCS#7 padding. Null when it does not decrypt.
 */
export function decryptEvent(encryptKey: string, encrypted: string): string | null {
  try {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length < 32 || data.length % 16 !== 0) return null;
    const key = createHash('sha256').update(encryptKey, 'utf8').digest();
    const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
    return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
