import type { Effect, MemberCommit, MemberState, Store } from '@kith/engine';
import { newMemberState } from '@kith/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGLITE_BOOT_MS } from './timeouts.js';

/**
 * The Store conformance suite: what every Store must do, as MemoryStore does it. One store per
 * suite (a file), a fresh tenant per test. `dueEffects` spans tenants, so the outbox tests first
 * claim whatever earlier tests left due.
 */
export interface StoreFixture {
  store: Store;
  close(): Promise<void>;
}

const FAR = 8_000_000_000_000;

let tenantSeq = 0;
function tenant(): string {
  return `t${++tenantSeq}-${Math.random().toString(36).slice(2, 8)}`;
}

function member(t: string, id: string, patch: Partial<MemberState['profile']> = {}): MemberState {
  const s = newMemberState(t, id);
  // a detached, plain copy (newMemberState shares frozen empties)
  const state = structuredClone(s);
  Object.assign(state.profile, patch);
  return state;
}

function commit(state: MemberState, expectedRev: number, extra: Partial<MemberCommit> = {}): MemberCommit {
  return { tenant: state.tenant, state, expectedRev, eventId: null, effects: [], finished: [], ...extra };
}

function effect(t: string, key: string, notBefore: number, data: Record<string, unknown> = {}): Effect {
  return {
    key,
    tenant: t,
    member: null,
    instance: null,
    step: null,
    type: 'message.send',
    target: 'tg',
    data,
    notBefore,
  };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function drain(store: Store): Promise<void> {
  while ((await store.dueEffects(FAR, 1000)).length > 0) {}
}

export function storeConformance(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store conformance: ${name}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    }, PGLITE_BOOT_MS);
    afterAll(async () => {
      await fixture?.close();
    });

    it('commits a member and loads it back deep-equal, integers intact', async () => {
      const t = tenant();
      const state = member(t, 'ann', {
        name: 'Ann',
        spent: 9_007_199_254_740_991,
        joinedAt: 1_767_225_600_000,
      });
      state.orders = {
        o1: {
          id: 'o1',
          offer: 'box',
          amount: 5900,
          currency: 'CNY',
          tier: 'free',
          status: 'paid',
          createdAt: 1_767_225_600_123,
          paidAt: 1_767_225_600_456,
          payment: 'p1',
          refunded: 0,
          refunds: [],
          instance: null,
          step: null,
        },
      };
      state.mechanics = { ledger: { balance: 12, nested: [1, 2, { x: 'y' }] } };
      expect(await store.loadMember(t, 'ann')).toBeUndefined();
      expect(await store.commitMember(commit(state, 0, { eventId: 'e1' }))).toBe('ok');
      expect(state.rev).toBe(1);
      const loaded = await store.loadMember(t, 'ann');
      expect(loaded).toEqual({ ...structuredClone(state), rev: 1 });
      expect(Number.isInteger(loaded?.profile.spent)).toBe(true);
      expect(loaded?.profile.spent).toBe(9_007_199_254_740_991);
      expect(loaded?.orders.o1?.amount).toBe(5900);
      expect(await store.loadMember(tenant(), 'ann')).toBeUndefined();
    });

    it('rejects a stale revision as a conflict and writes nothing', async () => {
      const t = tenant();
      const a = member(t, 'm');
      expect(await store.commitMember(commit(a, 0))).toBe('ok');
      // a second "new member" write is stale
      const b = member(t, 'm', { name: 'B' });
      expect(
        await store.commitMember(commit(b, 0, { eventId: 'x1', effects: [effect(t, 'k-conflict', 1)] })),
      ).toBe('conflict');
      expect(b.rev).toBe(0);
      expect(await store.hasEvent(t, 'x1')).toBe(false);
      expect(await store.getEffect(t, 'k-conflict')).toBeUndefined();
      const c = member(t, 'm', { name: 'C' });
      expect(await store.commitMember(commit(c, 1))).toBe('ok');
      expect(await store.commitMember(commit(member(t, 'm', { name: 'D' }), 1))).toBe('conflict');
      expect(await store.commitMember(commit(member(t, 'm', { name: 'E' }), 5))).toBe('conflict');
      const loaded = await store.loadMember(t, 'm');
      expect(loaded?.rev).toBe(2);
      expect(loaded?.profile.name).toBe('C');
    });

    it('lets exactly one of many concurrent commits at the same revision win', async () => {
      const t = tenant();
      expect(await store.commitMember(commit(member(t, 'm'), 0))).toBe('ok');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.commitMember(commit(member(t, 'm', { name: `n${i}` }), 1)),
        ),
      );
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
      expect(results.filter((r) => r === 'conflict')).toHaveLength(9);
      expect((await store.loadMember(t, 'm'))?.rev).toBe(2);
      const news = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.commitMember(commit(member(t, 'new', { name: `n${i}` }), 0)),
        ),
      );
      expect(news.filter((r) => r === 'ok')).toHaveLength(1);
    });

    it('refuses an event already consumed as a duplicate and writes nothing', async () => {
      const t = tenant();
      const first = member(t, 'm', { name: 'first' });
      expect(
        await store.commitMember(commit(first, 0, { eventId: 'ev', effects: [effect(t, 'k1', 10)] })),
      ).toBe('ok');
      const again = member(t, 'm', { name: 'again' });
      expect(
        await store.commitMember(commit(again, 1, { eventId: 'ev', effects: [effect(t, 'k2', 10)] })),
      ).toBe('duplicate');
      expect(again.rev).toBe(0);
      const loaded = await store.loadMember(t, 'm');
      expect(loaded?.rev).toBe(1);
      expect(loaded?.profile.name).toBe('first');
      expect(await store.getEffect(t, 'k1')).toBeDefined();
      expect(await store.getEffect(t, 'k2')).toBeUndefined();
      // a conflict is decided before a duplicate
      expect(await store.commitMember(commit(member(t, 'm'), 0, { eventId: 'ev' }))).toBe('conflict');
      // an event consumed at community level is a duplicate for a member commit too
      expect(await store.consumeEvent(t, 'community')).toBe(true);
      expect(await store.commitMember(commit(member(t, 'other'), 0, { eventId: 'community' }))).toBe(
        'duplicate',
      );
      expect(await store.loadMember(t, 'other')).toBeUndefined();
      // the same event id in another tenant is another event
      const t2 = tenant();
      expect(await store.commitMember(commit(member(t2, 'm'), 0, { eventId: 'ev' }))).toBe('ok');
    });

    it('consumes community events once per tenant', async () => {
      const t = tenant();
      expect(await store.hasEvent(t, 'c1')).toBe(false);
      expect(await store.consumeEvent(t, 'c1')).toBe(true);
      expect(await store.consumeEvent(t, 'c1')).toBe(false);
      expect(await store.hasEvent(t, 'c1')).toBe(true);
      expect(await store.hasEvent(tenant(), 'c1')).toBe(false);
      const races = await Promise.all(Array.from({ length: 8 }, () => store.consumeEvent(t, 'c2')));
      expect(races.filter(Boolean)).toHaveLength(1);
    });

    it('hands out due effects oldest first, once, until settled back to pending', async () => {
      await drain(store);
      expect(await store.nextEffectAt()).toBeUndefined();
      const t = tenant();
      const s = member(t, 'm');
      await store.commitMember(
        commit(s, 0, { effects: [effect(t, 'c', 300), effect(t, 'a1', 100), effect(t, 'b', 200)] }),
      );
      await store.enqueueEffects([effect(t, 'a2', 100), effect(t, 'late', 5000)]);
      expect(await store.nextEffectAt()).toBe(100);
      const first = await store.dueEffects(150, 10);
      expect(first.map((e) => e.effect.key)).toEqual(['a1', 'a2']);
      expect(first[0]).toEqual({
        effect: effect(t, 'a1', 100),
        status: 'pending',
        attempts: 0,
        availableAt: 100,
        lastError: null,
        settledAt: null,
      });
      // claimed: not handed out again
      expect(await store.dueEffects(150, 10)).toEqual([]);
      expect(await store.nextEffectAt()).toBe(200);
      // a1 is retried later; a2 is delivered
      await store.settleEffect(t, 'a1', {
        status: 'pending',
        attempts: 1,
        availableAt: 250,
        lastError: 'timeout',
        settledAt: null,
      });
      await store.settleEffect(t, 'a2', {
        status: 'delivered',
        attempts: 1,
        availableAt: 100,
        lastError: null,
        settledAt: 120,
      });
      expect(await store.getEffect(t, 'a2')).toMatchObject({
        status: 'delivered',
        attempts: 1,
        settledAt: 120,
      });
      expect(await store.getEffect(t, 'a1')).toMatchObject({
        status: 'pending',
        attempts: 1,
        availableAt: 250,
        lastError: 'timeout',
      });
      expect(await store.nextEffectAt()).toBe(200);
      // the limit is respected, the rest stays due
      expect((await store.dueEffects(1000, 1)).map((e) => e.effect.key)).toEqual(['b']);
      expect((await store.dueEffects(1000, 10)).map((e) => e.effect.key)).toEqual(['a1', 'c']);
      expect(await store.nextEffectAt()).toBe(5000);
      // settled back to pending at the same instant: queued behind what was already there
      await store.enqueueEffects([effect(t, 'z', 5000)]);
      await store.settleEffect(t, 'c', {
        status: 'pending',
        attempts: 1,
        availableAt: 5000,
        lastError: null,
        settledAt: null,
      });
      expect((await store.dueEffects(6000, 10)).map((e) => e.effect.key)).toEqual(['late', 'z', 'c']);
      expect(await store.nextEffectAt()).toBeUndefined();
      expect(await store.getEffect(t, 'nope')).toBeUndefined();
      await store.settleEffect(t, 'nope', {
        status: 'dead',
        attempts: 1,
        availableAt: 0,
        lastError: null,
        settledAt: 1,
      });
    });

    it('lists dead letters of a tenant in the order queued', async () => {
      await drain(store);
      const t = tenant();
      const other = tenant();
      await store.enqueueEffects([
        effect(t, 'd1', 1, { n: 1 }),
        effect(t, 'ok', 1),
        effect(other, 'd1', 1),
        effect(t, 'd2', 1, { n: 2 }),
      ]);
      expect(await store.deadLetters(t)).toEqual([]);
      const due = await store.dueEffects(FAR, 100);
      expect(due.map((e) => `${e.effect.tenant}/${e.effect.key}`)).toEqual([
        `${t}/d1`,
        `${t}/ok`,
        `${other}/d1`,
        `${t}/d2`,
      ]);
      const dead = (at: number) => ({
        status: 'dead' as const,
        attempts: 5,
        availableAt: 1,
        lastError: 'gone',
        settledAt: at,
      });
      await store.settleEffect(t, 'd2', dead(20));
      await store.settleEffect(t, 'd1', dead(30));
      await store.settleEffect(t, 'ok', {
        status: 'delivered',
        attempts: 1,
        availableAt: 1,
        lastError: null,
        settledAt: 5,
      });
      const letters = await store.deadLetters(t);
      expect(letters).toEqual([
        {
          effect: effect(t, 'd1', 1, { n: 1 }),
          status: 'dead',
          attempts: 5,
          availableAt: 1,
          lastError: 'gone',
          settledAt: 30,
        },
        {
          effect: effect(t, 'd2', 1, { n: 2 }),
          status: 'dead',
          attempts: 5,
          availableAt: 1,
          lastError: 'gone',
          settledAt: 20,
        },
      ]);
      expect(await store.deadLetters(other)).toEqual([]);
      expect(await store.nextEffectAt()).toBeUndefined();
    });

    it('dedupes effects by key: community effects, repeats in a batch, and member commits', async () => {
      await drain(store);
      const t = tenant();
      await store.enqueueEffects([effect(t, 'g', 10, { v: 1 }), effect(t, 'g', 10, { v: 2 })]);
      await store.enqueueEffects([effect(t, 'g', 10, { v: 3 }), effect(t, 'h', 20)]);
      await store.commitMember(
        commit(member(t, 'm'), 0, { effects: [effect(t, 'h', 20, { v: 9 }), effect(t, 'i', 30)] }),
      );
      expect((await store.getEffect(t, 'g'))?.effect.data).toEqual({ v: 1 });
      expect((await store.getEffect(t, 'h'))?.effect.data).toEqual({});
      // the same key in another tenant is another effect
      await store.enqueueEffects([effect(tenant(), 'g', 10)]);
      const due = await store.dueEffects(FAR, 100);
      expect(due.map((e) => e.effect.key)).toEqual(['g', 'g', 'h', 'i']);
      // a settled key queued again stays settled
      await store.settleEffect(t, 'g', {
        status: 'delivered',
        attempts: 1,
        availableAt: 10,
        lastError: null,
        settledAt: 11,
      });
      await store.enqueueEffects([effect(t, 'g', 10, { v: 4 })]);
      expect(await store.getEffect(t, 'g')).toMatchObject({
        status: 'delivered',
        effect: { data: { v: 1 } },
      });
      expect(await store.dueEffects(FAR, 100)).toEqual([]);
    });

    it('updates a shared record atomically under 20 concurrent updaters', async () => {
      const t = tenant();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.updateShared<{ n: number }>(t, 'counters', 'hits', (cur) => ({ n: (cur?.n ?? 0) + 1 })),
        ),
      );
      expect(results.map((r) => r.n).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await store.readShared(t, 'counters', 'hits')).toEqual({ n: 20 });
      expect(await store.readShared(t, 'counters', 'missing')).toBeUndefined();
      expect(await store.readShared(tenant(), 'counters', 'hits')).toBeUndefined();
    });

    it('leaves a shared record untouched when the updater throws', async () => {
      const t = tenant();
      await expect(
        store.updateShared(t, 'ns', 'new', () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.readShared(t, 'ns', 'new')).toBeUndefined();
      expect(await all(store.listShared(t, 'ns'))).toEqual([]);
      await store.updateShared(t, 'ns', 'old', () => ({ v: 1 }));
      await expect(
        store.updateShared(t, 'ns', 'old', () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.readShared(t, 'ns', 'old')).toEqual({ v: 1 });
    });

    it('lists the records of one namespace', async () => {
      const t = tenant();
      for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
        await store.updateShared(t, 'pool', k, () => ({ k, n: 1 }));
      await store.updateShared(t, 'pool', 'b', (cur: { k: string; n: number } | undefined) => ({
        k: 'b',
        n: (cur?.n ?? 0) + 1,
      }));
      await store.updateShared(t, 'other', 'x', () => [1, 2, 3]);
      await store.updateShared(tenant(), 'pool', 'z', () => 1);
      const listed = await all(store.listShared<{ k: string; n: number }>(t, 'pool'));
      expect(listed.sort(([a], [b]) => a.localeCompare(b))).toEqual([
        ['a', { k: 'a', n: 1 }],
        ['b', { k: 'b', n: 2 }],
        ['c', { k: 'c', n: 1 }],
        ['d', { k: 'd', n: 1 }],
        ['e', { k: 'e', n: 1 }],
        ['f', { k: 'f', n: 1 }],
        ['g', { k: 'g', n: 1 }],
      ]);
      expect(await all(store.listShared(t, 'other'))).toEqual([['x', [1, 2, 3]]]);
      expect(await all(store.listShared(t, 'none'))).toEqual([]);
    });

    it('keeps published versions in the order published', async () => {
      const t = tenant();
      const versions = ['1', '2', '10', '1.1'].map((version, i) => ({
        version,
        publishedAt: 1_767_225_600_000 + i,
        playbook: { kith: 1, id: 'p', journeys: [{ id: 'j', steps: [{ wait: '1d' }] }], n: i },
        params: { price: 5900 + i, on: true },
      }));
      for (const v of versions) await store.savePublished(t, v);
      expect(await store.listPublished(t)).toEqual(versions);
      expect(await store.listPublished(tenant())).toEqual([]);
    });

    it('keeps strings with U+0000 and U+E000 intact, in keys and in JSON', async () => {
      await drain(store);
      const t = tenant();
      const odd = ['a\u0000b', '\uE000', '\uE0000', '\\u0000', 'x\\\u0000y', '\uE000E\u0000\uE0000'];
      const state = member(t, `m\u0000${odd[1]}`);
      state.entries = Object.fromEntries(
        odd.map((k, i) => [k, { runs: i, lastEnteredAt: 1, lastExitedAt: null, active: k }]),
      );
      state.marks = { [odd[0] as string]: odd.join('|') };
      expect(await store.commitMember(commit(state, 0, { eventId: `e\u0000${odd[2]}` }))).toBe('ok');
      expect(await store.loadMember(t, state.id)).toEqual({ ...structuredClone(state), rev: 1 });
      expect(await all(store.memberIds(t))).toEqual([state.id]);
      expect(await store.hasEvent(t, `e\u0000${odd[2]}`)).toBe(true);
      expect(await store.hasEvent(t, `e\u0000${odd[1]}`)).toBe(false);
      for (const k of odd) await store.updateShared(t, `n\u0000s`, k, () => ({ [k]: k }));
      expect((await all(store.listShared(t, `n\u0000s`))).sort(([a], [b]) => (a < b ? -1 : 1))).toEqual(
        [...odd].sort().map((k) => [k, { [k]: k }]),
      );
      await store.enqueueEffects([effect(t, `k\u0000${odd[3]}`, 1, { text: odd.join('') })]);
      const [due] = await store.dueEffects(FAR, 10);
      expect(due?.effect).toEqual(effect(t, `k\u0000${odd[3]}`, 1, { text: odd.join('') }));
      await store.settleEffect(t, `k\u0000${odd[3]}`, {
        status: 'dead',
        attempts: 1,
        availableAt: 1,
        lastError: `bad\u0000${odd[5]}`,
        settledAt: 2,
      });
      expect((await store.deadLetters(t)).map((e) => e.lastError)).toEqual([`bad\u0000${odd[5]}`]);
    });

    it('lists the member ids of a tenant', async () => {
      const t = tenant();
      const ids = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'];
      for (const id of ids) await store.commitMember(commit(member(t, id), 0));
      await store.commitMember(commit(member(tenant(), 'elsewhere'), 0));
      expect((await all(store.memberIds(t))).sort()).toEqual(ids);
      expect(await all(store.memberIds(tenant()))).toEqual([]);
    });
  });
}
