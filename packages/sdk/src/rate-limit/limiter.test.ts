import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketsFor, createRateLimiter, instanceLimits } from './limiter.js';
import { memoryRateLimiterStore } from './store.js';
import type { RateLimit } from './types.js';
import { parseDuration } from './types.js';

const telegram: RateLimit[] = [
  { name: 'per-group', max: 20, perMs: 60_000, scope: 'group', counts: 'messages', description: null },
  { name: 'overall', max: 30, perMs: 1000, scope: 'connection', counts: 'messages', description: null },
];

/** The most sends inside any window of `perMs` (half-open: [t, t + perMs)). */
function maxInWindow(times: number[], perMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= perMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Sends that reserve at `now` and go at `now + wait`, as a runtime would. */
async function schedule(limits: RateLimit[], requests: { at: number; group: string | null }[]) {
  const limiter = createRateLimiter(limits, memoryRateLimiterStore());
  const sent: { at: number; group: string | null }[] = [];
  for (const r of [...requests].sort((a, b) => a.at - b.at)) {
    const wait = await limiter.reserve({ connection: 'bot-1', group: r.group }, r.at);
    expect(wait).toBeGreaterThanOrEqual(0);
    sent.push({ at: r.at + wait, group: r.group });
  }
  return sent;
}

describe('rate limiter', () => {
  it('spaces 25 messages to one group: 20 at once, then each when a minute-old token returns', async () => {
    const sent = await schedule(
      telegram,
      Array.from({ length: 25 }, () => ({ at: 0, group: 'g1' })),
    );
    const times = sent.map((s) => s.at);
    // 20 fit the group's minute, but only 30/s overall: the first 20 go in the first second.
    expect(times.slice(0, 20).every((t) => t === 0)).toBe(true);
    expect(times.slice(20)).toEqual([60_000, 60_000, 60_000, 60_000, 60_000]);
    expect(maxInWindow(times, 60_000)).toBe(20);
  });

  it('applies the connection limit across groups', async () => {
    const sent = await schedule(
      telegram,
      Array.from({ length: 70 }, (_, i) => ({ at: 0, group: `g${i % 7}` })),
    );
    const times = sent.map((s) => s.at);
    expect(maxInWindow(times, 1000)).toBe(30);
    expect(Math.max(...times)).toBe(2000);
  });

  it('never lets more than max into any window, whatever the arrivals (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 200_000 }),
            group: fc.constantFrom('a', 'b', 'c', null),
          }),
          {
            maxLength: 150,
          },
        ),
        async (requests) => {
          const sent = await schedule(telegram, requests);
          expect(
            maxInWindow(
              sent.map((s) => s.at),
              1000,
            ),
          ).toBeLessThanOrEqual(30);
          for (const g of ['a', 'b', 'c']) {
            expect(
              maxInWindow(
                sent.filter((s) => s.group === g).map((s) => s.at),
                60_000,
              ),
            ).toBeLessThanOrEqual(20);
          }
          // Never sooner than asked; in arrival order within each group.
          const byArrival = [...requests].sort((x, y) => x.at - y.at);
          sent.forEach((s, i) => {
            expect(s.at).toBeGreaterThanOrEqual(byArrival[i]!.at);
          });
          for (const g of ['a', 'b', 'c']) {
            const times = sent.filter((s) => s.group === g).map((s) => s.at);
            expect(times).toEqual([...times].sort((x, y) => x - y));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps order within a group, without holding other sends behind it', async () => {
    const limiter = createRateLimiter(telegram, memoryRateLimiterStore());
    const first = await limiter.reserve({ connection: 'c', group: 'g' }, 0);
    for (let i = 0; i < 19; i++) await limiter.reserve({ connection: 'c', group: 'g' }, 0);
    const waited = await limiter.reserve({ connection: 'c', group: 'g' }, 10);
    expect(first).toBe(0);
    expect(waited).toBe(60_000 - 10);
    // The next one for the same group queues behind it, never before.
    expect(await limiter.reserve({ connection: 'c', group: 'g' }, 20)).toBe(60_000 - 20);
    // A direct message shares only the connection bucket, which has room now: no head-of-line blocking.
    expect(await limiter.reserve({ connection: 'c' }, 10)).toBe(0);
  });

  it('keeps connections apart: the same limits on another bot token start full', async () => {
    const store = memoryRateLimiterStore();
    const limiter = createRateLimiter(telegram, store);
    for (let i = 0; i < 30; i++) await limiter.reserve({ connection: 'bot-1' }, 0);
    expect(await limiter.reserve({ connection: 'bot-1' }, 0)).toBe(1000);
    expect(await limiter.reserve({ connection: 'bot-2' }, 0)).toBe(0);
  });

  it('shares one connection across limiters (two playbooks on the same bot)', async () => {
    const store = memoryRateLimiterStore();
    const a = createRateLimiter(telegram, store);
    const b = createRateLimiter(telegram, store);
    for (let i = 0; i < 15; i++) await a.reserve({ connection: 'bot-1' }, 0);
    for (let i = 0; i < 15; i++) await b.reserve({ connection: 'bot-1' }, 0);
    expect(await a.reserve({ connection: 'bot-1' }, 0)).toBe(1000);
  });

  it('derives bucket keys from the scopes a send has', () => {
    const limits: RateLimit[] = [
      ...telegram,
      { name: 'dm', max: 1, perMs: 1000, scope: 'recipient', counts: 'messages', description: null },
    ];
    expect(bucketsFor(limits, { connection: 'k', group: 'g', recipient: null }).map((b) => b.key)).toEqual([
      'k|per-group|g:g',
      'k|overall',
    ]);
    expect(bucketsFor(limits, { connection: 'k', recipient: 'ann' }).map((b) => b.key)).toEqual([
      'k|overall',
      'k|dm|r:ann',
    ]);
  });

  it('sweeps idle buckets so memory follows activity, not history', () => {
    const store = memoryRateLimiterStore();
    for (let i = 0; i < 10_000; i++) store.reserveSync([{ key: `r:${i}`, max: 1, perMs: 1000 }], i * 10);
    expect(store.size()).toBeLessThan(5000);
  });

  it('adds a playbook instance limit that only tightens, named after the instance', () => {
    const limits = instanceLimits(telegram, 'group', { max: 10, per: '1m' });
    expect(limits.at(-1)).toEqual({
      name: 'instance:group',
      max: 10,
      perMs: 60_000,
      scope: 'connection',
      counts: 'messages',
      description: 'set by the playbook',
    });
    expect(() => instanceLimits(telegram, 'group', { max: 0, per: '1m' })).toThrow(RangeError);
  });

  it('parses durations', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration(15)).toBe(15);
    expect(parseDuration('1 minute')).toBeNull();
  });
});

describe('what a limit counts', () => {
  it('applies message limits to sends only, call limits to every provider call', () => {
    const limits: RateLimit[] = [
      { name: 'msgs', max: 20, perMs: 60_000, scope: 'connection', counts: 'messages', description: null },
      { name: 'api', max: 5, perMs: 1000, scope: 'connection', counts: 'calls', description: null },
    ];
    expect(bucketsFor(limits, { connection: 'k' }).map((b) => b.key)).toEqual(['k|msgs', 'k|api']);
    expect(bucketsFor(limits, { connection: 'k', message: false }).map((b) => b.key)).toEqual(['k|api']);
  });
});
