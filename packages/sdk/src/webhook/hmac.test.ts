import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hmacSign, hmacVerify } from './hmac.js';
import { memorySeenIdStore } from './replay.js';
import { bodyJson, bodyText, fromFetchRequest, header, webhookRequest } from './request.js';
import { checkTimestamp } from './timestamp.js';

// RFC 4231 test case 2 (SHA-256) and RFC 2202 test case 2 (SHA-1).
const KEY = 'Jefe';
const DATA = 'what do ya want for nothing?';
const SHA256 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
const SHA1 = 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79';

describe('HMAC helpers', () => {
  it('sign the RFC test vectors', () => {
    expect(hmacSign('sha256', KEY, DATA)).toBe(SHA256);
    expect(hmacSign('sha1', KEY, DATA)).toBe(SHA1);
    expect(hmacSign('sha256', KEY, DATA, 'base64')).toBe(Buffer.from(SHA256, 'hex').toString('base64'));
  });

  it('verify the right signature in hex (any case) or base64', () => {
    expect(hmacVerify('sha256', KEY, DATA, SHA256)).toBe(true);
    expect(hmacVerify('sha256', KEY, DATA, SHA256.toUpperCase())).toBe(true);
    expect(hmacVerify('sha1', KEY, DATA, SHA1)).toBe(true);
    expect(hmacVerify('sha256', KEY, DATA, Buffer.from(SHA256, 'hex').toString('base64'), 'base64')).toBe(
      true,
    );
  });

  it('refuse a tampered payload, a wrong key, a truncated or non-hex signature', () => {
    expect(hmacVerify('sha256', KEY, `${DATA}!`, SHA256)).toBe(false);
    expect(hmacVerify('sha256', 'jefe', DATA, SHA256)).toBe(false);
    expect(hmacVerify('sha256', KEY, DATA, SHA256.slice(0, 62))).toBe(false);
    expect(hmacVerify('sha256', KEY, DATA, 'zz'.repeat(32))).toBe(false);
    expect(hmacVerify('sha1', KEY, DATA, SHA256)).toBe(false);
  });

  it('compare bytes of different lengths as unequal without throwing', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });
});

describe('timestamps and replays', () => {
  it('accepts timestamps within the tolerance either way', () => {
    expect(checkTimestamp(1000, 1000 + 300_000, 300_000)).toBe('ok');
    expect(checkTimestamp(1000, 1000 + 300_001, 300_000)).toBe('stale');
    expect(checkTimestamp(400_000, 0, 300_000)).toBe('future');
    expect(checkTimestamp(Number.NaN, 0, 300_000)).toBe('stale');
  });

  it('remembers ids until they expire', async () => {
    const seen = memorySeenIdStore();
    expect(await seen.remember('a', 100, 0)).toBe(true);
    expect(await seen.remember('a', 100, 50)).toBe(false);
    expect(await seen.remember('a', 200, 100)).toBe(true);
  });

  it('caps memory under a flood of ids', async () => {
    const seen = memorySeenIdStore({ maxIds: 100 });
    for (let i = 0; i < 1000; i++) await seen.remember(`id${i}`, 1e12, 0);
    expect(seen.size()).toBeLessThanOrEqual(100);
    expect(await seen.remember('id999', 1e12, 0)).toBe(false);
  });
});

describe('the request abstraction', () => {
  it('lower-cases headers and keeps the raw body', () => {
    const r = webhookRequest({ headers: { 'X-Signature': 'abc' }, body: '{"a":1}', query: { q: '1' } });
    expect(header(r, 'x-SIGNATURE')).toBe('abc');
    expect(bodyText(r)).toBe('{"a":1}');
    expect(bodyJson(r)).toEqual({ a: 1 });
    expect(bodyJson(webhookRequest({ body: 'nope' }))).toBeUndefined();
  });

  it('adapts a fetch Request, stripping the mount prefix', async () => {
    const req = new Request('https://kith.example/hooks/tg/update?x=1', {
      method: 'POST',
      headers: { 'X-A': 'b' },
      body: 'raw',
    });
    const r = await fromFetchRequest(req, '/hooks/tg');
    expect(r).toMatchObject({ method: 'POST', path: '/update', query: { x: '1' }, headers: { 'x-a': 'b' } });
    expect(bodyText(r)).toBe('raw');
  });
});
