import { hmacSign } from '@kith/sdk/webhook';

/** Headers the sandbox signs member activity with: HMAC-SHA256 (hex) of `${timestamp}.${body}`. */
export const SIGNATURE_HEADER = 'x-sandbox-signature';
export const TIMESTAMP_HEADER = 'x-sandbox-timestamp';
/** How far a signed timestamp may be from the receiver's clock. */
export const TOLERANCE_MS = 5 * 60 * 1000;

export function signSandbox(secret: string, timestampMs: number, body: string): string {
  return hmacSign('sha256', secret, `${timestampMs}.${body}`, 'hex');
}
