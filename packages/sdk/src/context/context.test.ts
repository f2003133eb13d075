import { describe, expect, it } from 'vitest';
import { echoPlugin } from '../__fixtures__/echo-plugin.js';
import { contextIncompatibility } from './compat.js';
import { createPluginContext } from './create-context.js';
import { redact } from './logger.js';
import { memoryKv } from './memory-kv.js';
import { CONTEXT_VERSION, type LogEntry } from './types.js';

describe('PluginContext v1', () => {
  it('carries the version, config, key and attempt, frozen', () => {
    const ctx = createPluginContext({
      plugin: 'echo',
      instance: 'group',
      config: { a: 1 },
      idempotencyKey: 'k1',
      attempt: 2,
    });
    expect(ctx).toMatchObject({
      contextVersion: 1,
      instance: 'group',
      config: { a: 1 },
      idempotencyKey: 'k1',
      attempt: 2,
    });
    expect(Object.isFrozen(ctx)).toBe(true);
    expect(CONTEXT_VERSION).toBe(1);
  });

  it('redacts secret values and credential-named fields from logs', () => {
    const logs: LogEntry[] = [];
    const ctx = createPluginContext({
      plugin: 'echo',
      instance: 'group',
      config: {},
      secrets: ['123456:SECRET-TOKEN'],
      logSink: (e) => logs.push(e),
    });
    ctx.logger.warn('calling https://api/bot123456:SECRET-TOKEN/send', {
      url: 'https://api/bot123456:SECRET-TOKEN/send',
      headers: { Authorization: 'Bearer x' },
      nested: [{ note: 'has 123456:SECRET-TOKEN inside' }],
      count: 3,
    });
    expect(logs).toEqual([
      {
        level: 'warn',
        plugin: 'echo',
        instance: 'group',
        message: 'calling https://api/bot[redacted]/send',
        fields: {
          url: 'https://api/bot[redacted]/send',
          headers: { Authorization: '[redacted]' },
          nested: [{ note: 'has [redacted] inside' }],
          count: 3,
        },
      },
    ]);
  });

  it('does not redact ordinary short words that happen to be a secret', () => {
    expect(redact('turn on', {}, ['on']).message).toBe('turn on');
  });

  it('kv keeps JSON values, with expiry on the context clock', async () => {
    let now = 0;
    const kv = memoryKv({ now: () => now });
    await kv.set('cursor', { offset: 42 }, { ttlMs: 1000 });
    expect(await kv.get('cursor')).toEqual({ offset: 42 });
    now = 1000;
    expect(await kv.get('cursor')).toBeUndefined();
    await expect(kv.set('f', () => 1)).rejects.toThrow(/not JSON-serialisable/);
  });

  it('the runtime refuses a plugin built for a context it does not provide, saying what to do', () => {
    const p = echoPlugin();
    expect(contextIncompatibility(p)).toBeNull();
    expect(contextIncompatibility({ ...p, contextVersion: 2 })).toMatch(
      /needs plugin context v2, but this Kith runtime provides v1: upgrade Kith/,
    );
    expect(contextIncompatibility(p, [2])).toMatch(
      /was built for plugin context v1, which this Kith runtime no longer provides/,
    );
  });
});
