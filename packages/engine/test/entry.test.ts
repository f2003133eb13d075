import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

function journey(reentry: string, entryKey = ''): string {
  return withJourneys(`
- journey: promo
  on: promo.sent
  ${reentry === '' ? '' : `reentry: ${reentry}`}
  ${entryKey === '' ? '' : `entryKey: ${entryKey}`}
  steps:
    - { id: hi, send: { via: tg, text: "promo {{ event.n }}" } }
    - { id: w, wait: 1d }
`);
}

async function run(pb: string, times: [at: string, n: number][]): Promise<string[]> {
  const kit = await createTestKit(pb, { start: '2026-01-01T00:00:00Z' });
  for (const [at, n] of times) await kit.event('promo.sent', 'm', { n, k: n % 2 }, { at });
  return kit.texts('m');
}

const T: [string, number][] = [
  ['2026-01-01T00:00:00Z', 1],
  ['2026-01-01T12:00:00Z', 2],
  ['2026-01-03T00:00:00Z', 3],
  ['2026-01-20T00:00:00Z', 4],
];

describe('entry and re-entry', () => {
  it('once (the default): a member goes through once, ever', async () => {
    expect(await run(journey(''), T)).toEqual(['promo 1']);
  });

  it('after-exit: again only when the previous run has ended', async () => {
    expect(await run(journey('after-exit'), T)).toEqual(['promo 1', 'promo 3', 'promo 4']);
  });

  it('{ after: 7d }: a cool-down since the previous entry', async () => {
    expect(await run(journey('{ after: 7d }'), T)).toEqual(['promo 1', 'promo 4']);
  });

  it('always with entry keys: distinct keys run side by side, the same key not twice at once', async () => {
    // k = n % 2: 1 → key 1, 2 → key 0 (concurrent with 1), 3 → key 1 (1 ended), 4 → key 0
    expect(await run(journey('always', 'event.k'), T)).toEqual(['promo 1', 'promo 2', 'promo 3', 'promo 4']);
    expect(
      await run(journey('always', 'event.k'), [
        ['2026-01-01T00:00:00Z', 1],
        ['2026-01-01T01:00:00Z', 3],
      ]),
    ).toEqual(['promo 1']);
  });

  it('once per entry key', async () => {
    expect(
      await run(journey('once', 'event.k'), [
        ['2026-01-01T00:00:00Z', 1],
        ['2026-01-01T01:00:00Z', 2],
        ['2026-01-05T00:00:00Z', 3],
      ]),
    ).toEqual(['promo 1', 'promo 2']);
  });
});
