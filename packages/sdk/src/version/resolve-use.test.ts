import { describe, expect, it } from 'vitest';
import { parsePluginUse, resolvePluginUse } from './resolve-use.js';

const p = (name: string, version: string, contextVersion = 1) => ({ name, version, contextVersion });
const installed = [
  p('telegram', '1.0.0'),
  p('telegram', '1.4.2'),
  p('telegram', '2.0.0'),
  p('telegram', '2.1.0-beta.1'),
  p('wecom', '1.2.7'),
];

describe('parsePluginUse', () => {
  it('splits name and range, scoped names included', () => {
    expect(parsePluginUse('telegram')).toEqual({ name: 'telegram', range: '*' });
    expect(parsePluginUse('telegram@^1')).toEqual({ name: 'telegram', range: '^1' });
    expect(parsePluginUse('@acme/kith-channel-line@~2.1')).toEqual({
      name: '@acme/kith-channel-line',
      range: '~2.1',
    });
    expect(parsePluginUse('@acme/kith-channel-line')).toEqual({
      name: '@acme/kith-channel-line',
      range: '*',
    });
  });

  it('refuses bad names and ranges', () => {
    expect(parsePluginUse('Tele gram')).toBeNull();
    expect(parsePluginUse('telegram@')).toBeNull();
    expect(parsePluginUse('telegram@banana')).toBeNull();
  });
});

describe('resolvePluginUse', () => {
  it('picks the highest version in the range and exposes it', () => {
    const r = resolvePluginUse('telegram@^1', installed);
    expect(r).toMatchObject({ ok: true, version: '1.4.2', plugin: { version: '1.4.2' } });
    expect(resolvePluginUse('wecom@1.2.x', installed)).toMatchObject({ ok: true, version: '1.2.7' });
  });

  it('takes the newest stable release for a bare name (no pre-releases)', () => {
    expect(resolvePluginUse('telegram', installed)).toMatchObject({ ok: true, version: '2.0.0' });
  });

  it('says what is installed when nothing matches', () => {
    expect(resolvePluginUse('telegram@^3', installed)).toEqual({
      ok: false,
      error: {
        code: 'no-matching-version',
        message:
          "no installed version of 'telegram' satisfies ^3 (installed: 2.1.0-beta.1, 2.0.0, 1.4.2, 1.0.0)",
        installed: ['2.1.0-beta.1', '2.0.0', '1.4.2', '1.0.0'],
      },
    });
    expect(resolvePluginUse('line', installed)).toMatchObject({
      ok: false,
      error: {
        code: 'not-installed',
        message: "plugin 'line' is not installed (installed: telegram, wecom)",
      },
    });
    expect(resolvePluginUse('bad name', installed)).toMatchObject({ ok: false, error: { code: 'bad-use' } });
  });

  it('skips versions built for a context the runtime does not provide, and says why when none is left', () => {
    const list = [p('feishu', '1.0.0'), p('feishu', '1.1.0', 2)];
    expect(resolvePluginUse('feishu@^1', list)).toMatchObject({ ok: true, version: '1.0.0' });
    const r = resolvePluginUse('feishu@1.1.0', list);
    expect(r).toMatchObject({ ok: false, error: { code: 'incompatible-context' } });
    if (!r.ok) {
      expect(r.error.message).toBe(
        'feishu@1.1.0 needs plugin context v2, but this Kith runtime provides v1: upgrade Kith, or pin an older feishu version built for v1',
      );
    }
  });
});
