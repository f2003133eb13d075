import { describe, expect, it } from 'vitest';
import { errorFromResponse, retryAfterMs } from './http.js';
import { PluginError, toPluginError } from './plugin-error.js';

const res = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });

describe('errorFromResponse', () => {
  it('maps 429 to rate-limited with Retry-After seconds or date', () => {
    expect(errorFromResponse(res(429, { 'retry-after': '7' })).toJSON()).toEqual({
      kind: 'rate-limited',
      message: 'HTTP 429',
      retryAfterMs: 7000,
      status: 429,
      code: null,
    });
    const now = Date.parse('2026-01-01T00:00:00Z');
    const e = errorFromResponse(res(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), { now });
    expect(e.retryAfterMs).toBe(30_000);
  });

  it('prefers the provider-specific wait and falls back to a default', () => {
    expect(errorFromResponse(res(429, { 'retry-after': '7' }), { retryAfterMs: 12_000 }).retryAfterMs).toBe(
      12_000,
    );
    expect(errorFromResponse(res(429)).retryAfterMs).toBe(1000);
  });

  it('maps auth, transient and permanent statuses', () => {
    expect([401, 403].map((s) => errorFromResponse(res(s)).kind)).toEqual(['auth', 'auth']);
    expect([408, 425, 500, 502, 503].map((s) => errorFromResponse(res(s)).kind)).toEqual(
      Array(5).fill('transient'),
    );
    expect([400, 404, 410, 413].map((s) => errorFromResponse(res(s)).kind)).toEqual(
      Array(4).fill('permanent'),
    );
  });

  it('keeps the provider message and code', () => {
    expect(errorFromResponse(res(400), { message: 'chat not found', code: 400 }).toJSON()).toMatchObject({
      message: 'chat not found',
      code: '400',
    });
  });
});

describe('PluginError', () => {
  it('has a factory per kind and serialises to data', () => {
    expect(PluginError.rateLimited('slow down', -5).retryAfterMs).toBe(0);
    expect(PluginError.permanent('no such chat', { code: 'chat_not_found' }).toJSON()).toEqual({
      kind: 'permanent',
      message: 'no such chat',
      retryAfterMs: null,
      status: null,
      code: 'chat_not_found',
    });
  });

  it('treats anything else thrown as transient', () => {
    const e = toPluginError(new TypeError('fetch failed'));
    expect(e.kind).toBe('transient');
    expect(e.message).toBe('fetch failed');
    const same = PluginError.auth('bad token');
    expect(toPluginError(same)).toBe(same);
  });

  it('reads Retry-After leniently', () => {
    expect(retryAfterMs('1.5', 0)).toBe(1500);
    expect(retryAfterMs('', 0)).toBeNull();
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});
