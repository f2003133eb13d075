import { hmacSign, hmacVerify } from '@kith/sdk/webhook';

/**
 * DingTalk's robot signature, used both ways: the custom robot's `sign` query parameter (key: the
 * robot's SEC… secret) and the outgoing robot's `sign` header (key: the AppSecret).
 *
 *   sign = base64( HMAC-SHA256( key = secret, message = `${timestampMs}\n${secret}` ) )
 *
 * The timestamp is in milliseconds. Feishu's custom bot differs: seconds, and the string
 * `${timestamp}\n${secret}` is the HMAC *key* over an empty message.
 */
export function dingtalkSign(secret: string, timestampMs: number | string): string {
  return hmacSign('sha256', secret, `${timestampMs}\n${secret}`, 'base64');
}

/** Constant-time check of a `sign` against the timestamp it came with. */
export function dingtalkVerify(secret: string, timestampMs: string, sign: string): boolean {
  return hmacVerify('sha256', secret, `${timestampMs}\n${secret}`, sign, 'base64');
}

/** DingTalk refuses signatures more than an hour from its clock, and asks callees to do the same. */
export const SIGNATURE_TOLERANCE_MS = 60 * 60 * 1000;
