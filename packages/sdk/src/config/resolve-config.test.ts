import { describe, expect, it } from 'vitest';
import { echoPlugin } from '../__fixtures__/echo-plugin.js';
import { checkPluginConfig, resolveConfig } from './resolve-config.js';

const plugin = echoPlugin();

describe('resolveConfig', () => {
  it('substitutes secrets, fills defaults and reports the secret values for redaction', () => {
    const r = resolveConfig(plugin, { token: '${secrets.TG_TOKEN}' }, { TG_TOKEN: 'abc:123' });
    expect(r).toEqual({
      ok: true,
      config: { token: 'abc:123', baseUrl: 'https://echo.example' },
      secrets: ['abc:123'],
    });
  });

  it('takes secrets from a lookup function', () => {
    const r = resolveConfig(plugin, { token: '${secrets.T}' }, (name) => (name === 'T' ? 'tok' : undefined));
    expect(r.ok && r.config.token).toBe('tok');
  });

  it('reports a missing secret at its path', () => {
    expect(resolveConfig(plugin, { token: '${secrets.NOPE}' }, {})).toEqual({
      ok: false,
      issues: [{ code: 'missing-secret', path: '/token', message: 'secret NOPE is not set' }],
    });
  });

  it('reports schema problems as data, one per path', () => {
    const r = resolveConfig(plugin, { baseUrl: 'not a url', greeting: 3 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path).sort()).toEqual(['/baseUrl', '/greeting', '/token']);
  });

  it('does not change the input', () => {
    const raw = { token: 't' };
    resolveConfig(plugin, raw);
    expect(raw).toEqual({ token: 't' });
  });
});

describe('checkPluginConfig (no secret values yet)', () => {
  it('accepts secret references', () => {
    expect(checkPluginConfig(plugin, { token: '${secrets.TG_TOKEN}' })).toEqual([]);
  });

  it('refuses a literal credential', () => {
    expect(checkPluginConfig(plugin, { token: '123456:ABC' })).toEqual([
      {
        code: 'literal-secret',
        path: '/token',
        message: 'token is a credential: write ${secrets.NAME}, never the value',
      },
    ]);
  });

  it('still checks the other fields', () => {
    expect(checkPluginConfig(plugin, { token: '${secrets.X}', greeting: 1 }).map((i) => i.path)).toEqual([
      '/greeting',
    ]);
    expect(checkPluginConfig(plugin, {}).map((i) => i.path)).toEqual(['/token']);
  });
});
