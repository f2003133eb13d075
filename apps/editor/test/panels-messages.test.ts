import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getLang, setLang, t } from '../src/i18n/index.js';
import { en, zhCN } from '../src/panels/messages.js';

const dir = new URL('../src/panels/', import.meta.url);
const sources = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(new URL(f, dir), 'utf8')),
  ...readdirSync(new URL('lib/', dir)).map((f) => readFileSync(new URL(`lib/${f}`, dir), 'utf8')),
].join('\n');

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
}

describe('panel messages', () => {
  it('has every key in both languages', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('uses the same placeholders in Chinese as in English', () => {
    for (const key of Object.keys(en))
      expect([key, placeholders(zhCN[key]!)]).toEqual([key, placeholders(en[key]!)]);
  });

  it('translates every key the panels use', () => {
    const literal = [...sources.matchAll(/'(panels\.[A-Za-z0-9_.]+)'/g)].map((m) => m[1]!);
    const dynamic = [
      ...['event', 'step', 'effect', 'stage', 'publish'].map((k) => `panels.live.kind.${k}`),
      ...['connecting', 'open', 'reconnecting', 'closed'].map((k) => `panels.live.state.${k}`),
      ...['q', 'stage', 'tier', 'tag'].map((k) => `panels.members.filter.${k}`),
      ...['members', 'days', 'seed'].map((k) => `panels.sim.${k}`),
      ...['joined', 'invited', 'messages', 'clicks', 'payments', 'refunds', 'churned'].map(
        (k) => `panels.sim.activity.${k}`,
      ),
      ...['flat', 'launch', 'growth'].map((k) => `panels.sim.curve.${k}`),
      ...['added', 'removed', 'changed'].map((k) => `panels.versions.kind.${k}`),
      ...[
        'reply',
        'click',
        'checkin',
        'acceptCovenant',
        'purchase',
        'invite',
        'churn',
        'refund',
        'violate',
      ].flatMap((b) => [`panels.sim.b.${b}`, `panels.sim.b.${b}.hint`]),
    ];
    const missing = [...new Set([...literal, ...dynamic])].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });

  it('is registered with the editor’s i18n and follows the language', () => {
    const before = getLang();
    setLang('zh-CN');
    expect(t('panels.live.retry')).toBe('重试');
    expect(t('panels.members.page', { page: 2 })).toBe('第 2 页');
    setLang('en');
    expect(t('panels.members.page', { page: 2 })).toBe('Page 2');
    setLang(before);
  });
});
