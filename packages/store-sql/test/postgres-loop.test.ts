import { MemoryEffects, Runtime, systemClock } from '@kith/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStore, SqlScheduler, type SqlStore, startEmbeddedLoop } from '../src/index.js';
import { playbook } from './embedded.js';
import { createTestDatabase, type TestDatabase } from './pg-db.js';

async function until(what: string, ok: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

describe('the embedded loop on the real clock', () => {
  let db: TestDatabase;
  let store: SqlStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = await createSqlStore({ url: db.url });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('sleeps until the next timer or effect, wakes early for new work, and stops cleanly', async () => {
    const scheduler = new SqlScheduler(store.sql);
    const effects = new MemoryEffects(systemClock);
    const runtime = new Runtime({ store, scheduler, clock: systemClock, effects });
    await runtime.publish('acme', playbook('2s'), { version: '1' });
    let ticks = 0;
    const errors: unknown[] = [];
    // a minute between looks: anything sooner than that is the loop being woken or timing its sleep
    const loop = startEmbeddedLoop({
      runtime,
      scheduler,
      store,
      pollMs: 60_000,
      onTick: () => ticks++,
      onError: (e) => errors.push(e),
    });
    await loop.wake();
    const idleTicks = ticks;
    await new Promise((r) => setTimeout(r, 300));
    expect(ticks).toBe(idleTicks);

    const joinedAt = Date.now();
    await runtime.ingest({
      tenant: 'acme',
      id: 'j1',
      type: 'member.joined',
      member: 'ann',
      data: { name: 'Ann' },
    });
    // the welcome effect was queued while the loop slept: it is delivered without a wake()
    await until('the welcome', () => effects.messages('ann').length === 1, 5_000);
    // the wait's timer (2 s) was scheduled while the loop slept for a minute: it fires on time
    await until('the nudge', () => effects.messages('ann').length === 2, 10_000);
    const late = Date.now() - joinedAt;
    expect(late).toBeGreaterThanOrEqual(2_000);
    expect(late).toBeLessThan(6_000);
    expect(effects.messages('ann').map((m) => m.text)).toEqual(['Welcome Ann', 'Day two, Ann']);
    expect(errors).toEqual([]);

    const stopping = Date.now();
    await loop.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect(loop.running).toBe(false);
    await expect(loop.wake()).rejects.toThrow(/stopped/);
    // stopped means stopped: new work is not picked up
    await runtime.ingest({
      tenant: 'acme',
      id: 'j2',
      type: 'member.joined',
      member: 'bob',
      data: { name: 'Bob' },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(effects.messages('bob')).toEqual([]);
  }, 60_000);

  it('reports a failing tick and keeps going', async () => {
    const scheduler = new SqlScheduler(store.sql);
    const effects = new MemoryEffects(systemClock);
    const runtime = new Runtime({ store, scheduler, clock: systemClock, effects });
    let fail = true;
    const tick = runtime.tick.bind(runtime);
    runtime.tick = async () => {
      if (fail) throw new Error('database unreachable');
      return tick();
    };
    const errors: unknown[] = [];
    const loop = startEmbeddedLoop({ runtime, scheduler, store, pollMs: 50, onError: (e) => errors.push(e) });
    try {
      await expect(loop.wake()).rejects.toThrow(/database unreachable/);
      fail = false;
      await loop.wake();
      expect(errors.length).toBeGreaterThan(0);
      expect(loop.running).toBe(true);
    } finally {
      await loop.stop();
    }
    expect(() => startEmbeddedLoop({ runtime, scheduler, store, pollMs: 0 })).toThrow(/pollMs/);
  });
});
