import { type Effect, newMemberState, type Timer } from '@kith/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSqlStore,
  MIGRATIONS,
  migrate,
  pgSqlFromUrl,
  SqlScheduler,
  type SqlStore,
} from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './pg-db.js';

function effect(key: string, notBefore: number): Effect {
  return {
    key,
    tenant: 't',
    member: null,
    instance: null,
    step: null,
    type: 'message.send',
    target: 'tg',
    data: {},
    notBefore,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two processes on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: SqlStore;
  let b: SqlStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    // two stores with their own pools: two worker processes
    a = await createSqlStore({ url: db.url }, { claimTimeoutMs: 400 });
    b = await createSqlStore({ url: db.url }, { claimTimeoutMs: 400 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('hands a claimed effect out again once its worker has been silent past the claim timeout', async () => {
    await a.enqueueEffects([effect('x', 1), effect('y', 2)]);
    expect((await a.dueEffects(10, 1)).map((e) => e.effect.key)).toEqual(['x']);
    // worker a dies holding x; b gets only y, and x once the claim has timed out
    expect((await b.dueEffects(10, 10)).map((e) => e.effect.key)).toEqual(['y']);
    await b.settleEffect('t', 'y', {
      status: 'delivered',
      attempts: 1,
      availableAt: 2,
      lastError: null,
      settledAt: 10,
    });
    expect(await b.dueEffects(10, 10)).toEqual([]);
    await sleep(600);
    const again = await b.dueEffects(10, 10);
    expect(again.map((e) => [e.effect.key, e.status])).toEqual([['x', 'pending']]);
    // b's fresh claim is its own: a (come back to life) does not get x while b holds it
    expect(await a.dueEffects(10, 10)).toEqual([]);
    await b.settleEffect('t', 'x', {
      status: 'delivered',
      attempts: 1,
      availableAt: 1,
      lastError: null,
      settledAt: 11,
    });
    await sleep(600);
    expect(await a.dueEffects(10, 10)).toEqual([]);
    expect((await a.getEffect('t', 'x'))?.status).toBe('delivered');
  });

  it('never gives the same timer to two schedulers taking at once', async () => {
    const one = new SqlScheduler(a.sql);
    const two = new SqlScheduler(b.sql);
    const timers: Timer[] = Array.from({ length: 600 }, (_, i) => ({
      key: `k${i}`,
      tenant: 'race',
      member: `m${i % 50}`,
      at: 1_000 + (i % 7),
      kind: 'wait',
      name: `k${i}`,
      data: null,
    }));
    await one.schedule(timers);
    const taken: string[][] = [[], []];
    const drain = async (s: SqlScheduler, into: string[]) => {
      for (;;) {
        const due = await s.takeDue(2_000, 13);
        if (due.length === 0) return;
        into.push(...due.map((t) => t.key));
      }
    };
    await Promise.all([drain(one, taken[0] ?? []), drain(two, taken[1] ?? []), drain(one, taken[0] ?? [])]);
    const all = [...(taken[0] ?? []), ...(taken[1] ?? [])];
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);
    // both really took part
    expect(taken[0]?.length).toBeGreaterThan(0);
    expect(taken[1]?.length).toBeGreaterThan(0);
    expect(await one.nextAt()).toBeUndefined();
  });

  it('fills the member columns of rows written before migration 0002', async () => {
    const old = await createTestDatabase();
    const sql = pgSqlFromUrl(old.url);
    try {
      await migrate(sql, MIGRATIONS.slice(0, 1));
      const s = newMemberState('acme', 'ann');
      const state = {
        ...structuredClone(s),
        profile: { ...structuredClone(s.profile), stage: 'attract', tier: 'kol', tags: ['vip'], points: 7 },
      };
      await sql.query(
        `INSERT INTO kith_members (tenant, id, rev, state) VALUES ('acme', 'ann', 1, $1::text::jsonb)`,
        [JSON.stringify({ ...state, rev: 1 })],
      );
      await sql.query(
        `INSERT INTO kith_outbox (tenant, key, effect, available_at, due_seq) VALUES ('acme', 'k', '{}', 1, NULL)`,
      );
      expect((await migrate(sql, MIGRATIONS.slice(0, 2))).applied).toEqual([2]);
      const store = await createSqlStore(sql);
      const page = await store.findMembers('acme', { limit: 10, tag: 'vip', stage: 'attract' });
      expect(page.items.map((m) => [m.id, m.stage, m.tier, m.tags, m.points])).toEqual([
        ['ann', 'attract', 'kol', ['vip'], 7],
      ]);
      // a claim left open before the upgrade gets a lease from the upgrade on, not forever
      const rows = await sql.query<{ claimed: boolean }>(
        `SELECT claimed_at IS NOT NULL AS claimed FROM kith_outbox WHERE key = 'k'`,
      );
      expect(rows).toEqual([{ claimed: true }]);
    } finally {
      await sql.close();
      await old.drop();
    }
  });
});
