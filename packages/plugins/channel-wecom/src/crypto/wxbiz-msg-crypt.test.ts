import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  decryptMessage,
  encryptMessage,
  msgSignature,
  pkcs7Pad,
  pkcs7Unpad,
  signatureMatches,
} from './wxbiz-msg-crypt.js';

/** The example of 加解密方案说明 (and the official samples' Sample.* files). */
const OFFICIAL = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  receiveId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659813',
  nonce: '1372623149',
  signature: '477715d11cdb4164915debcba66cb864d751f3e6',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};

/**
 * An independent reading of the documented algorithm, written separately from the plugin's:
 * AES-256-CBC in 16-byte steps by hand over ECB, so no padding or chaining code is shared.
 */
const reference = {
  key: (k: string) => Buffer.from(`${k}=`, 'base64'),
  cbc(key: Buffer, data: Buffer, decrypt: boolean): Buffer {
    const out: Buffer[] = [];
    let prev = key.subarray(0, 16);
    for (let i = 0; i < data.length; i += 16) {
      const block = data.subarray(i, i + 16);
      const ecb = (decrypt ? createDecipheriv : createCipheriv)('aes-256-ecb', key, null).setAutoPadding(
        false,
      );
      if (decrypt) {
        const x = Buffer.concat([ecb.update(block), ecb.final()]);
        out.push(Buffer.from(x.map((b, j) => b ^ prev[j]!)));
        prev = block;
      } else {
        const x = Buffer.from(block.map((b, j) => b ^ prev[j]!));
        prev = Buffer.concat([ecb.update(x), ecb.final()]);
        out.push(prev);
      }
    }
    return Buffer.concat(out);
  },
  encrypt(k: string, msg: string, receiveId: string, random: Buffer): string {
    const body = Buffer.from(msg, 'utf8');
    const len = Buffer.from([
      body.length >>> 24,
      (body.length >>> 16) & 255,
      (body.length >>> 8) & 255,
      body.length & 255,
    ]);
    let plain = Buffer.concat([random, len, body, Buffer.from(receiveId)]);
    const pad = 32 - (plain.length % 32);
    plain = Buffer.concat([plain, Buffer.from(Array(pad).fill(pad))]);
    return reference.cbc(reference.key(k), plain, false).toString('base64');
  },
  decrypt(k: string, encrypted: string): { msg: string; receiveId: string } {
    const plain = reference.cbc(reference.key(k), Buffer.from(encrypted, 'base64'), true);
    const unpadded = plain.subarray(0, plain.length - plain[plain.length - 1]!);
    const len = (unpadded[16]! << 24) | (unpadded[17]! << 16) | (unpadded[18]! << 8) | unpadded[19]!;
    return {
      msg: unpadded.subarray(20, 20 + len).toString('utf8'),
      receiveId: unpadded.subarray(20 + len).toString('utf8'),
    };
  },
  signature: (parts: string[]) =>
    createHash('sha1')
      .update([...parts].sort().join(''))
      .digest('hex'),
};

describe('WXBizMsgCrypt', () => {
  it('matches the official example: signature and decrypted message', () => {
    expect(msgSignature(OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce, OFFICIAL.encrypt)).toBe(
      OFFICIAL.signature,
    );
    expect(
      signatureMatches(OFFICIAL, OFFICIAL.signature, OFFICIAL.timestamp, OFFICIAL.nonce, OFFICIAL.encrypt),
    ).toBe(true);
    const { message, receiveId } = decryptMessage(OFFICIAL, OFFICIAL.encrypt);
    expect(receiveId).toBe('wx5823bf96d3bd56c7');
    expect(message).toContain('<Content><![CDATA[hello]]></Content>');
    expect(message).toContain('<MsgId>4561255354251345929</MsgId>');
    expect(reference.decrypt(OFFICIAL.encodingAesKey, OFFICIAL.encrypt).msg).toBe(message);
  });

  it('encrypts exactly as the independent reference does, and each decrypts the other', () => {
    for (const msg of [
      '<xml><Content><![CDATA[你好，世界]]></Content></xml>',
      'x',
      'a'.repeat(12),
      'b'.repeat(1000),
    ]) {
      const random = randomBytes(16);
      const ours = encryptMessage(OFFICIAL, msg, random);
      expect(ours).toBe(reference.encrypt(OFFICIAL.encodingAesKey, msg, OFFICIAL.receiveId, random));
      expect(reference.decrypt(OFFICIAL.encodingAesKey, ours)).toEqual({
        msg,
        receiveId: OFFICIAL.receiveId,
      });
      expect(decryptMessage(OFFICIAL, ours)).toEqual({ message: msg, receiveId: OFFICIAL.receiveId });
      const sig = reference.signature([OFFICIAL.token, '1700000000', 'n1', ours]);
      expect(msgSignature(OFFICIAL.token, '1700000000', 'n1', ours)).toBe(sig);
    }
  });

  it('pads to 32-byte blocks with 1–32 bytes of padding, and refuses bad padding', () => {
    expect(pkcs7Pad(Buffer.alloc(32)).length).toBe(64);
    expect(pkcs7Pad(Buffer.alloc(31)).at(-1)).toBe(1);
    expect(pkcs7Unpad(pkcs7Pad(Buffer.from('abc'))).toString()).toBe('abc');
    expect(() => pkcs7Unpad(Buffer.from([1, 2, 3, 0]))).toThrow(CryptoError);
    expect(() => pkcs7Unpad(Buffer.from([1, 2, 3, 33]))).toThrow(CryptoError);
    expect(() => pkcs7Unpad(Buffer.from([1, 3, 2, 2, 3]))).toThrow(CryptoError);
  });

  it('refuses a wrong key, tampered ciphertext and a bad signature', () => {
    const enc = encryptMessage(OFFICIAL, '<xml/>');
    const otherKey = { encodingAesKey: 'a'.repeat(43) };
    expect(() => decryptMessage(otherKey, enc)).toThrow();
    expect(() => decryptMessage(OFFICIAL, 'not base64!')).toThrow(CryptoError);
    expect(() => decryptMessage(OFFICIAL, Buffer.alloc(17).toString('base64'))).toThrow(CryptoError);
    expect(signatureMatches(OFFICIAL, '0'.repeat(40), '1', '2', enc)).toBe(false);
    expect(signatureMatches(OFFICIAL, 'short', '1', '2', enc)).toBe(false);
  });
});
