import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Encrypts secrets at rest with AES-256-GCM. A stored value is `v1.<iv>.<tag>.<ciphertext>`
 * (base64url): the tag makes a value encrypted under another key fail loudly instead of
 * decrypting to garbage.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a secret key must be 32 bytes');
    this.key = key;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || iv === undefined || tag === undefined || body === undefined) {
      throw new Error('a stored secret is not in a format this build reads');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new Error(
        'a stored secret cannot be decrypted: KITH_SECRET_KEY is not the key it was stored with',
      );
    }
  }
}

/**
 * The key from `KITH_SECRET_KEY` (64 hex chars or 32 base64 bytes used as they are; any other
 * text is stretched with scrypt), else from `<dataDir>/secret.key`, created on first use (0600).
 * No data dir and no variable: a key for this process only (tests, in-memory runs).
 */
export function loadSecretKey(env: Record<string, string | undefined>, dataDir?: string): Buffer {
  const given = env.KITH_SECRET_KEY;
  if (given !== undefined && given !== '') return keyFromText(given);
  if (dataDir === undefined) return randomBytes(32);
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return keyFromText(readFileSync(file, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

function keyFromText(text: string): Buffer {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  const b64 = Buffer.from(text, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return b64;
  return scryptSync(text, 'kith-secret-key', 32);
}

/** Tokens are stored as SHA-256 digests: high-entropy secrets need no slow hash. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenSecret(): string {
  return `kith_${randomBytes(24).toString('base64url')}`;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9)
    .toString('base64url')
    .replace(/[^a-zA-Z0-9]/g, 'x')
    .toLowerCase()}`;
}

export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
