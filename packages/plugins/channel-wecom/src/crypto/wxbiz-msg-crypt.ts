import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '@kith/sdk/webhook';

/**
 * WeCom's callback encryption (WXBizMsgCrypt, 企业微信 加解密方案说明,
 * https://developer.work.weixin.qq.com/document/path/91144), with node:crypto:
 * - AESKey = Base64_Decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC, IV = the key's first 16 bytes;
 * - plaintext = random(16 B) + msg_len (4 B, big-endian) + msg + receiveid, PKCS#7-padded to a
 *   multiple of 32 bytes (not AES's 16);
 * - msg_signature = sha1 of [token, timestamp, nonce, msg_encrypt] sorted and concatenated.
 */

/** WeCom pads to 32-byte blocks, which is why Node's built-in (16-byte) padding is switched off. */
const BLOCK = 32;

export class CryptoError extends Error {
  override name = 'CryptoError';
}

export interface WeComKeys {
  token: string;
  /** The 43-character EncodingAESKey from the admin console. */
  encodingAesKey: string;
  /** The corp id for an internal app (the ReceiveId of the samples). */
  receiveId: string;
}

export function aesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey))
    throw new CryptoError('EncodingAESKey must be 43 letters and digits');
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

export function msgSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  // Plain sort: the samples sort byte-wise (ASCII), which is what JS does for these ASCII strings.
  const joined = [token, timestamp, nonce, encrypted].sort().join('');
  return createHash('sha1').update(joined, 'utf8').digest('hex');
}

export function signatureMatches(
  keys: Pick<WeComKeys, 'token'>,
  signature: string,
  timestamp: string,
  nonce: string,
  encrypted: string,
): boolean {
  const expected = Buffer.from(msgSignature(keys.token, timestamp, nonce, encrypted), 'utf8');
  return constantTimeEqual(expected, Buffer.from(signature.toLowerCase(), 'utf8'));
}

export function pkcs7Pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function pkcs7Unpad(data: Buffer): Buffer {
  const n = data.at(-1);
  if (n === undefined || n < 1 || n > BLOCK || n > data.length) throw new CryptoError('bad padding');
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) throw new CryptoError('bad padding');
  return data.subarray(0, data.length - n);
}

/** msg_encrypt for `message` (UTF-8), as WeCom produces it; `random` is for test vectors only. */
export function encryptMessage(keys: WeComKeys, message: string, random: Buffer = randomBytes(16)): string {
  if (random.length !== 16) throw new CryptoError('the random prefix is 16 bytes');
  const key = aesKey(keys.encodingAesKey);
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length);
  const plain = pkcs7Pad(Buffer.concat([random, length, msg, Buffer.from(keys.receiveId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface Decrypted {
  message: string;
  receiveId: string;
}

/** Decrypts msg_encrypt; the caller checks receiveId against its own (a message for another corp). */
export function decryptMessage(keys: Pick<WeComKeys, 'encodingAesKey'>, encrypted: string): Decrypted {
  const key = aesKey(keys.encodingAesKey);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new CryptoError('msg_encrypt is not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0)
    throw new CryptoError('msg_encrypt is not whole AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < 20) throw new CryptoError('plaintext too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new CryptoError('msg_len is longer than the plaintext');
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    receiveId: plain.subarray(20 + length).toString('utf8'),
  };
}
