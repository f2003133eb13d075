import {
  type BucketSpec,
  createRateLimiter,
  memoryRateLimiterStore,
  type RateLimit,
  type RateLimiterStore,
} from '@kith/sdk';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimiterStore } from '../src/index.js';
import { connect, deleteKeys, testPrefix } from './helpers.js';

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

let redis: Redis;
let redis2: Redis;
const prefixes: string[] = [];

beforeAll(() => {
  redis = connect();
  redis2 = connect();
});

afterAll(async () => {
  for (const p of prefixes) await deleteKeys(redis, p);
  await redis.quit();
  await redis2.quit();
});

/** A fresh Redis store under its own prefix (each test starts empty). */
function redisStore(client: Redis = redis, prefix = `${testPrefix()}:`): RedisRateLimiterStore {
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
  return new RedisRateLimiterStore(client, { prefix });
}

const stores: [string, () => RateLimiterStore][] = [
  ['memory', () => memoryRateLimiterStore()],
  ['redis', () => redisStore()],
];

describe.each(stores)('rate limiter on the %s store', (_name, makeStore) => {
  /** Sends that reserve at `now` and go at `now + wait`, as a runtime would. */
  async function schedule(limits: RateLimit[], requests: { at: number; group: string | null }[]) {
    const limiter = createRateLimiter(limits, makeStore());
    const sent: { at: number; group: string | null }[] = [];
    for (const r of [...requests].sort((a, b) => a.at - b.at)) {
      const wait = await limiter.reserve({ connection: 'bot-1', group: r.group }, r.at);
      expect(wait).toBeGreaterThanOrEqual(0);
      sent.push({ at: r.at + wait, group: r.group });
    }
    return sent;
  }

  it('spaces 25 messages to one group: 20 at once, then each when a minute-old token returns', async () => {
    const sent = await schedule(
      telegram,
      Array.from({ length: 25 }, () => ({ at: 0, group: 'g1' })),
    );
    const times = sent.map((s) => s.at);
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
          { maxLength: 150 },
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
    const limiter = createRateLimiter(telegram, makeStore());
    const first = await limiter.reserve({ connection: 'c', group: 'g' }, 0);
    for (let i = 0; i < 19; i++) await limiter.reserve({ connection: 'c', group: 'g' }, 0);
    const waited = await limiter.reserve({ connection: 'c', group: 'g' }, 10);
    expect(first).toBe(0);
    expect(waited).toBe(60_000 - 10);
    expect(await limiter.reserve({ connection: 'c', group: 'g' }, 20)).toBe(60_000 - 20);
    expect(await limiter.reserve({ connection: 'c' }, 10)).toBe(0);
  });

  it('keeps connections apart: the same limits on another bot token start full', async () => {
    const limiter = createRateLimiter(telegram, makeStore());
    for (let i = 0; i < 30; i++) await limiter.reserve({ connection: 'bot-1' }, 0);
    expect(await limiter.reserve({ connection: 'bot-1' }, 0)).toBe(1000);
    expect(await limiter.reserve({ connection: 'bot-2' }, 0)).toBe(0);
  });

  it('shares one connection across limiters (two playbooks on the same bot)', async () => {
    const store = makeStore();
    const a = createRateLimiter(telegram, store);
    const b = createRateLimiter(telegram, store);
    for (let i = 0; i < 15; i++) await a.reserve({ connection: 'bot-1' }, 0);
    for (let i = 0; i < 15; i++) await b.reserve({ connection: 'bot-1' }, 0);
    expect(await a.reserve({ connection: 'bot-1' }, 0)).toBe(1000);
  });

  it('works at real epoch times', async () => {
    const store = makeStore();
    const now = Date.UTC(2026, 10, 25, 23, 0, 0, 123);
    const spec: BucketSpec[] = [{ key: 'k|overall', max: 2, perMs: 1000 }];
    expect(await store.reserve(spec, now)).toBe(now);
    expect(await store.reserve(spec, now)).toBe(now);
    expect(await store.reserve(spec, now + 5)).toBe(now + 1000);
  });
});

describe('RedisRateLimiterStore', () => {
  it('answers exactly as the in-memory store, reservation by reservation (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 5000 }),
            buckets: fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { minLength: 1, maxLength: 3 }),
          }),
          { maxLength: 80 },
        ),
        async (requests) => {
          const specs: Record<string, { max: number; perMs: number }> = {
            x: { max: 3, perMs: 1000 },
            y: { max: 5, perMs: 400 },
            z: { max: 1, perMs: 250 },
          };
          const mem = memoryRateLimiterStore();
          const red = redisStore();
          let now = 0;
          for (const r of requests) {
            now = Math.max(now, r.at);
            const buckets = r.buckets.map((key) => ({ key, ...specs[key]! }));
            expect(await red.reserve(buckets, now)).toBe(await mem.reserve(buckets, now));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never exceeds max in any window with 2 concurrent limiter clients (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            client: fc.constantFrom(0, 1),
            at: fc.integer({ min: 0, max: 120_000 }),
            group: fc.constantFrom('a', 'b', null),
          }),
          { minLength: 1, maxLength: 120 },
        ),
        async (requests) => {
          const prefix = `${testPrefix()}:`;
          const limiters = [
            createRateLimiter(telegram, redisStore(redis, prefix)),
            createRateLimiter(telegram, redisStore(redis2, prefix)),
          ];
          // Both clients fire all their reservations at once; Redis interleaves them.
          const sent = await Promise.all(
            requests.map(async (r) => {
              const wait = await limiters[r.client]!.reserve({ connection: 'bot', group: r.group }, r.at);
              expect(wait).toBeGreaterThanOrEqual(0);
              return { at: r.at + wait, group: r.group };
            }),
          );
          expect(
            maxInWindow(
              sent.map((s) => s.at),
              1000,
            ),
          ).toBeLessThanOrEqual(30);
          for (const g of ['a', 'b']) {
            expect(
              maxInWindow(
                sent.filter((s) => s.group === g).map((s) => s.at),
                60_000,
              ),
            ).toBeLessThanOrEqual(20);
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('expires idle buckets instead of keeping history', async () => {
    const prefix = `${testPrefix()}:`;
    const store = redisStore(redis, prefix);
    const now = Date.now();
    const spec = [{ key: 'k', max: 1, perMs: 60_000 }];
    await store.reserve(spec, now);
    const ttl = await redis.pttl(`${prefix}k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // A reservation after the window has passed forgets the old entry: the bucket holds the new
    // one alone (MessagePack: an array of one uint64)
    await store.reserve(spec, now + 120_000);
    const raw = await redis.getBuffer(`${prefix}k`);
    expect(raw?.[0]).toBe(0x91);
    expect(Number(raw?.subarray(2).readBigUInt64BE())).toBe(now + 120_000);
  });

  it('reads a bucket an earlier version wrote as comma-separated text', async () => {
    const prefix = `${testPrefix()}:`;
    const store = redisStore(redis, prefix);
    const now = Date.now();
    await redis.set(`${prefix}k`, `${now - 10},${now - 5}`, 'PX', 60_000);
    // two in the last second already: the third waits for the first to leave the window
    expect(await store.reserve([{ key: 'k', max: 2, perMs: 1000 }], now)).toBe(now - 10 + 1000);
  });

  it('books a long queue of sends on one connection at its pace, each booking cheap', async () => {
    const store = redisStore();
    const spec = [{ key: 'conn', max: 30, perMs: 1000 }];
    const now = Date.now();
    const at: number[] = [];
    for (let i = 0; i < 3000; i++) at.push(await store.reserve(spec, now));
    expect(at[29]).toBe(now);
    expect(at[30]).toBe(now + 1000);
    expect(at[2999]).toBe(now + 99_000);
  });

  it('rejects invalid buckets', async () => {
    await expect(redisStore().reserve([{ key: 'k', max: 0, perMs: 1000 }], 0)).rejects.toThrow(RangeError);
  });
});

describe('after Redis restarted', () => {
  it('notices the restart in the booking itself, for every client at once (the real run id)', async () => {
    const prefix = `${testPrefix()}:`;
    prefixes.push(prefix);
    const a = new RedisRateLimiterStore(redis, { prefix });
    const b = new RedisRateLimiterStore(redis2, { prefix });
    const conn = { key: 'conn', max: 30, perMs: 1000 };
    expect(await a.reserve([conn], 0)).toBe(0);
    expect(await b.reserve([conn], 5)).toBe(5);
    // this Redis has not restarted: the marker holds its run id and nothing is held
    const runId = /run_id:(\w+)/.exec(await redis.info('server'))![1]!;
    expect(await redis.hget(`${prefix}~boot`, 'run')).toBe(runId);
    // as after a restart from the AOF: the marker names an earlier run, the last bookings are gone
    await redis.hset(`${prefix}~boot`, 'run', 'an-earlier-run');
    await redis.del(`${prefix}conn`);
    // the very first booking after it is held a window, whichever client makes it, and the others
    // are held too
    expect(await b.reserve([conn], 100)).toBe(1100);
    expect(await a.reserve([conn], 120)).toBe(1100);
    expect(await a.reserve([conn], 3000)).toBe(3000);
  });

  it('books no slot within a window of the restart: the sends booked just before it were lost', async () => {
    let id = 'run-a';
    const prefix = `${testPrefix()}:`;
    prefixes.push(prefix);
    const store = new RedisRateLimiterStore(redis, { prefix, runId: async () => id });
    const bucket = { key: 'conn', max: 2, perMs: 1000 };
    expect(await store.reserve([bucket], 0)).toBe(0);
    expect(await store.reserve([bucket], 10)).toBe(10);
    // Redis comes back from its AOF without those last bookings (older keys, like the boot
    // marker, are there), under a new run id
    await redis.del(`${prefix}conn`);
    id = 'run-b';
    // without the guard this would be 20: a third send inside the first second
    expect(await store.reserve([bucket], 20)).toBe(1020);
    expect(await store.reserve([bucket], 30)).toBe(1020);
    // the window after the restart is full again: the next slot is a window later
    expect(await store.reserve([bucket], 40)).toBe(2020);
    // later sends are not held any longer than that
    expect(await store.reserve([bucket], 5000)).toBe(5000);
  });

  it('holds sends to a per-minute bucket for its own window, and knows nothing at its first check', async () => {
    let id = 'run-a';
    const prefix = `${testPrefix()}:`;
    prefixes.push(prefix);
    const store = new RedisRateLimiterStore(redis, { prefix, runId: async () => id });
    const group = { key: 'group', max: 20, perMs: 60_000 };
    const conn = { key: 'conn', max: 30, perMs: 1000 };
    // the first use of the prefix has no earlier run to compare with: nothing held
    expect(await store.reserve([conn], 0)).toBe(0);
    id = 'run-b';
    expect(await store.reserve([conn, group], 100)).toBe(60_100);
    expect(await store.reserve([conn], 200)).toBe(1100);
  });
});
