import {
  type JourneyInstance,
  type MemberState,
  MemoryScheduler,
  newMemberState,
  type Scheduler,
  type Timer,
} from '@kith/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlScheduler, type SqlStore } from '../src/index.js';
import { PGLITE_BOOT_MS } from './timeouts.js';

/**
 * What production mode adds to SqlStore (the event inbox, member queries) and the SqlScheduler,
 * run against PGlite and PostgreSQL; the scheduler is held to what MemoryScheduler does.
 */
export interface ProductionFixture {
  /** A store opened with `inboundRetentionMs: 0` and `inboundPruneEveryMs: 0`. */
  store: SqlStore;
  close(): Promise<void>;
}

let seq = 0;
function tenant(): string {
  return `p${++seq}-${Math.random().toString(36).slice(2, 8)}`;
}

function run(journey: string, step: string | null, status: JourneyInstance['status']): JourneyInstance {
  const id = `${journey}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    id,
    journey,
    version: '1',
    plugins: {},
    entryKey: '',
    status,
    pc: 1,
    wait: step === null ? null : { step, token: `${id}@${step}`, since: 0, until: 1_000, event: null },
    log: [],
    event: null,
    startedAt: 0,
    updatedAt: 0,
    endedAt: null,
    goal: null,
    reason: null,
  };
}

function state(
  t: string,
  id: string,
  profile: Partial<MemberState['profile']>,
  instances: JourneyInstance[] = [],
): MemberState {
  const s = structuredClone(newMemberState(t, id));
  Object.assign(s.profile, profile);
  s.instances = instances;
  return s;
}

async function save(store: SqlStore, s: MemberState): Promise<void> {
  const result = await store.commitMember({
    tenant: s.tenant,
    state: s,
    expectedRev: s.rev,
    eventId: null,
    effects: [],
    finished: [],
  });
  if (result !== 'ok') throw new Error(`commit of ${s.id}: ${result}`);
}

function timer(t: string, key: string, at: number, member: string | null = 'm'): Timer {
  return { key, tenant: t, member, at, kind: 'wait', name: key, data: { n: at } };
}

async function scenario(s: Scheduler, t: string): Promise<unknown[]> {
  const seen: unknown[] = [];
  await s.schedule([timer(t, 'a', 30), timer(t, 'b', 10), timer(t, 'c', 20), timer(t, 'd', 20)]);
  seen.push(await s.nextAt());
  // replacing a key moves it (and leaves one timer for it)
  await s.schedule([timer(t, 'b', 25)]);
  seen.push(await s.nextAt());
  await s.cancel(t, ['c', 'nope']);
  seen.push((await s.takeDue(19, 10)).map((x) => x.key));
  seen.push((await s.takeDue(30, 2)).map((x) => [x.key, x.at]));
  seen.push((await s.takeDue(30, 10)).map((x) => x.key));
  seen.push(await s.takeDue(1_000, 10));
  seen.push(await s.nextAt());
  // the same key given twice in one call: the last one wins
  await s.schedule([timer(t, 'e', 50), timer(t, 'e', 40), timer(t, '\u0000x', 45, null)]);
  seen.push(await s.takeDue(100, 10));
  return seen;
}

export function productionSuite(name: string, open: () => Promise<ProductionFixture>): void {
  describe(`production mode: ${name}`, () => {
    let fixture: ProductionFixture;
    let store: SqlStore;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    }, PGLITE_BOOT_MS);
    afterAll(async () => {
      await fixture?.close();
    });

    it('keeps each inbound event once, oldest first, until marked done', async () => {
      const t = tenant();
      const joined = {
        tenant: t,
        id: 'e1',
        type: 'member.joined',
        member: 'ann',
        data: { name: 'Ann\u0000' },
      };
      expect(await store.saveInbound(t, joined)).toBe(true);
      expect(await store.saveInbound(t, { ...joined, type: 'other' })).toBe(false);
      expect(await store.saveInbound(t, { tenant: t, id: 'e2', type: 'member.joined', member: 'bob' })).toBe(
        true,
      );
      // consumed by the engine already (a re-delivery after the inbox row was pruned)
      expect(await store.consumeEvent(t, 'e3')).toBe(true);
      expect(await store.saveInbound(t, { tenant: t, id: 'e3', type: 'x' })).toBe(false);
      expect(await store.loadInbound(t, 'e1')).toEqual(joined);
      expect(await store.loadInbound(t, 'e3')).toBeUndefined();
      expect(await store.loadInbound(tenant(), 'e1')).toBeUndefined();

      const mine = async () => (await store.pendingInbound(1000)).filter((p) => p.tenant === t);
      expect(await mine()).toEqual([
        { tenant: t, id: 'e1' },
        { tenant: t, id: 'e2' },
      ]);
      await expect(store.saveInbound(t, { tenant: 'other', id: 'e9', type: 'x' })).rejects.toThrow(
        /tenant 'other'/,
      );
      await expect(store.saveInbound(t, { tenant: t, id: '', type: 'x' })).rejects.toThrow(/non-empty/);
      await expect(store.pendingInbound(-1)).rejects.toThrow(/limit/);

      // the engine runs e1, then the worker marks it done; with retention 0 it is pruned at once
      expect(await store.consumeEvent(t, 'e1')).toBe(true);
      await store.markInboundDone(t, 'e1');
      expect(await mine()).toEqual([{ tenant: t, id: 'e2' }]);
      expect(await store.loadInbound(t, 'e1')).toBeUndefined();
      expect(await store.saveInbound(t, joined)).toBe(false);
      await store.markInboundDone(t, 'e2');
      expect(await mine()).toEqual([]);
    });

    it('re-queues effects claimed and never settled, by hand (a dispatcher that died)', async () => {
      const t = tenant();
      const effect = (key: string, notBefore: number) => ({
        key,
        tenant: t,
        member: null,
        instance: null,
        step: null,
        type: 'message.send',
        target: 'tg',
        data: {},
        notBefore,
      });
      await store.enqueueEffects([effect('a', 1), effect('b', 2), effect('c', 3)]);
      expect((await store.dueEffects(10, 2)).map((e) => e.effect.key)).toEqual(['a', 'b']);
      // the process dies before settling a and b; the default claim timeout (a minute) has not passed
      expect(await store.nextEffectAt()).toBe(3);
      expect((await store.dueEffects(2, 10)).map((e) => e.effect.key)).toEqual([]);
      expect(await store.requeueClaimed()).toBe(2);
      expect((await store.dueEffects(10, 10)).map((e) => e.effect.key)).toEqual(['a', 'b', 'c']);
      for (const key of ['a', 'b', 'c'])
        await store.settleEffect(t, key, {
          status: 'delivered',
          attempts: 1,
          availableAt: 1,
          lastError: null,
          settledAt: 10,
        });
      expect(await store.requeueClaimed()).toBe(0);
    });

    it('schedules, replaces, cancels and hands out timers as MemoryScheduler does', async () => {
      const t = tenant();
      const s = new SqlScheduler(store.sql);
      const expected = await scenario(new MemoryScheduler(), t);
      expect(await scenario(s, t)).toEqual(expected);
      expect(expected[0]).toBe(10);
      expect(expected[2]).toEqual([]);
      expect(expected[3]).toEqual([
        ['d', 20],
        ['b', 25],
      ]);
      expect(await s.nextAt()).toBeUndefined();
      expect(await s.pending(t)).toEqual([]);
    });

    it('tells listeners the earliest instant of every schedule call', async () => {
      const t = tenant();
      const s = new SqlScheduler(store.sql);
      const heard: number[] = [];
      const off = s.onScheduled((at) => heard.push(at));
      await s.schedule([timer(t, 'x', 500), timer(t, 'y', 300)]);
      off();
      await s.schedule([timer(t, 'z', 100)]);
      expect(heard).toEqual([300]);
      expect((await s.pending(t)).map((x) => x.key)).toEqual(['z', 'y', 'x']);
      await s.cancel(t, ['x', 'y', 'z']);
    });

    it('finds members by stage, tier, tag, journey, step and text, a stable page at a time', async () => {
      const t = tenant();
      const members = [
        state(t, 'ann', { name: 'Ann Lee', stage: 'attract', tier: 'member', tags: ['vip'], points: 5 }, [
          run('welcome', 'pause', 'waiting'),
        ]),
        state(t, 'bob', { name: 'Bob', stage: 'activate', tier: 'member', tags: [], points: 0 }, [
          run('welcome', 'nudge', 'waiting'),
          run('starter', null, 'active'),
        ]),
        state(t, 'cy', {
          name: 'Cyan Lee',
          stage: 'activate',
          tier: 'kol',
          tags: ['vip', 'mom'],
          points: 12.5,
        }),
        state(t, 'dee\u0000', { name: null, stage: null, tier: 'member', tags: ['50%_off'], points: 1 }),
        state(t, 'eve', { name: 'Eve', stage: 'attract', tier: 'member', tags: ['mom'], points: 3 }, [
          run('starter', 'paid', 'waiting'),
        ]),
      ];
      for (const m of members) await save(store, m);
      await save(store, state(tenant(), 'ann', { stage: 'attract', tier: 'member' }));

      const ids = async (q: Parameters<SqlStore['findMembers']>[1]) =>
        (await store.findMembers(t, q)).items.map((m) => m.id);
      expect(await ids({ limit: 10 })).toEqual(['ann', 'bob', 'cy', 'dee\u0000', 'eve']);
      expect(await ids({ limit: 10, stage: 'activate' })).toEqual(['bob', 'cy']);
      expect(await ids({ limit: 10, tier: 'member', stage: 'attract' })).toEqual(['ann', 'eve']);
      expect(await ids({ limit: 10, tag: 'vip' })).toEqual(['ann', 'cy']);
      expect(await ids({ limit: 10, tag: 'vi' })).toEqual([]);
      expect(await ids({ limit: 10, journey: 'welcome' })).toEqual(['ann', 'bob']);
      expect(await ids({ limit: 10, journey: 'starter' })).toEqual(['bob', 'eve']);
      expect(await ids({ limit: 10, journey: 'welcome', step: 'pause' })).toEqual(['ann']);
      expect(await ids({ limit: 10, journey: 'starter', step: 'pause' })).toEqual([]);
      expect(await ids({ limit: 10, step: 'paid' })).toEqual(['eve']);
      expect(await ids({ limit: 10, q: 'lee' })).toEqual(['ann', 'cy']);
      expect(await ids({ limit: 10, q: 'EV' })).toEqual(['eve']);
      // LIKE wildcards in the text are literal
      expect(await ids({ limit: 10, q: '%' })).toEqual([]);
      expect(await ids({ limit: 10, tag: '50%_off' })).toEqual(['dee\u0000']);

      const first = await store.findMembers(t, { limit: 2 });
      expect(first.items).toEqual([
        {
          id: 'ann',
          stage: 'attract',
          tier: 'member',
          tags: ['vip'],
          points: 5,
          updatedAt: expect.any(Number),
        },
        expect.objectContaining({ id: 'bob', stage: 'activate', tags: [] }),
      ]);
      expect(Math.abs((first.items[0]?.updatedAt ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(first.next).toEqual(expect.any(String));
      // a member added before the cursor, one changed on the next page: the pages stay stable
      await save(store, state(t, 'aaron', { stage: 'attract', tier: 'member' }));
      const cy = await store.loadMember(t, 'cy');
      if (cy === undefined) throw new Error('cy missing');
      cy.profile.stage = 'transact';
      cy.profile.points = 13;
      await save(store, cy);
      const second = await store.findMembers(t, { limit: 2, cursor: first.next });
      expect(second.items.map((m) => [m.id, m.stage, m.points])).toEqual([
        ['cy', 'transact', 13],
        ['dee\u0000', null, 1],
      ]);
      const third = await store.findMembers(t, { limit: 2, cursor: second.next });
      expect(third.items.map((m) => m.id)).toEqual(['eve']);
      expect(third.next).toBeUndefined();

      expect(await store.countMembers(t)).toBe(6);
      expect(await store.countMembers(t, { tier: 'member', tag: 'mom' })).toBe(1);
      expect(await store.memberCounts(t)).toEqual({
        members: 6,
        stages: { attract: 3, activate: 1, transact: 1 },
        tiers: { member: 5, kol: 1 },
      });

      await expect(store.findMembers(t, { limit: 0 })).rejects.toThrow(/limit must be a whole number from 1/);
      await expect(store.findMembers(t, { limit: 1001 })).rejects.toThrow(/limit/);
      await expect(store.findMembers(t, { limit: 5, cursor: 'garbage' })).rejects.toThrow(
        /cursor 'garbage' is not one this store returned/,
      );
    });
  });
}
