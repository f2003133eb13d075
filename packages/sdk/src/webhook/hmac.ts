import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha256' | 'sha1';
export type SignatureEncoding = 'hex' | 'base64';
type Bytes = string | Uint8Array;

/** HMAC of `payload` under `key`, encoded as providers print it (`hex` for GitHub-style, `base64`). */
export function hmacSign(
  algorithm: HmacAlgorithm,
  key: Bytes,
  payload: Bytes,
  encoding: SignatureEncoding = 'hex',
): string {
  return createHmac(algorithm, key).update(payload).digest(encoding);
}

/**
 * Compares two byte strings in time that does not depend on where they differ. A length mismatch
 * returns false at once: the length of an HMAC is public, so it leaks nothing.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

function decode(signature: string, encoding: SignatureEncoding): Uint8Array | null {
  const s = signature.trim();
  if (encoding === 'hex')
    return /^[0-9a-fA-F]*$/.test(s) && s.length % 2 === 0 ? Buffer.from(s, 'hex') : null;
  return /^[A-Za-z0-9+/_-]*={0,2}$/.test(s) ? Buffer.from(s, 'base64') : null;
}

/**
 * True when `signature` is the HMAC of `payload` under `key`. The comparison is on the decoded
 * bytes and constant-time, so neither case (hex) nor timing tells an attacker anything.
 */
export function hmacVerify(
  algorithm: HmacAlgorithm,
  key: Bytes,
  payload: Bytes,
  signature: string,
  encoding: SignatureEncoding = 'hex',
): boolean {
  const given = decode(signature, encoding);
  if (given === null) return false;
  const expected = createHmac(algorithm, key).update(payload).digest();
  return constantTimeEqual(expected, given);
}
