import {
  createDecipheriv,
  createHash,
  createPublicKey,
  createSign,
  createVerify,
  type KeyObject,
  randomBytes,
  X509Certificate,
} from 'node:crypto';

/**
 * WeChat Pay API v3's cryptography, as the official SDKs (wechatpay-go, wechatpay-java) do it:
 * SHA256-RSA (PKCS#1 v1.5) signatures in base64 over newline-terminated lines, and
 * AEAD_AES_256_GCM under the APIv3 key for notification resources.
 */

/** `line1\nline2\n…\n`: every signed message is its lines, each ended by `\n`. */
export function signedMessage(...lines: string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

export function rsaSign(message: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');
}

/** A platform key as configured: a public key, or a certificate whose public key is used. */
export function publicKeyOf(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

export function rsaVerify(message: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** 32 random alphanumerics: the request nonce (its only job is to differ). */
export function nonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('');
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  associated_data?: string;
  nonce: string;
  original_type?: string;
}

/**
 * Decrypts a notification resource: AES-256-GCM with the APIv3 key, the resource's `nonce` as IV
 * and `associated_data` as AAD; `ciphertext` is base64 of the encrypted bytes followed by the
 * 16-byte tag. Null when the tag does not verify (a tampered resource or another key).
 */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string | null {
  if (resource.algorithm !== 'AEAD_AES_256_GCM') return null;
  const key = Buffer.from(apiV3Key, 'utf8');
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (key.length !== 32 || data.length < 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}

const TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

/**
 * WeChat Pay's `out_trade_no` (6–32 of `[0-9A-Za-z_-|*]`) for a Kith order. Kith's ids
 * (`instance@step`) often do not fit, so those are hashed: deterministic, so a retried checkout
 * names the same trade, and the order id itself travels in `attach`.
 */
export function outTradeNo(order: string): string {
  return TRADE_NO.test(order) ? order : `k${createHash('sha256').update(order).digest('hex').slice(0, 31)}`;
}

/** `out_refund_no` (≤ 64 of `[0-9A-Za-z_-|*@]`) for Kith's refund id, hashed when it does not fit. */
export function outRefundNo(refund: string): string {
  return REFUND_NO.test(refund)
    ? refund
    : `k${createHash('sha256').update(refund).digest('hex').slice(0, 40)}`;
}
