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

    it("claims a batch of inbox events oldest first, keeping each member's events in order", async () => {
      const t = tenant();
      const ev = (id: string, member?: string) => ({
        tenant: t,
        id,
        type: 'member.joined',
        ...(member === undefined ? {} : { member }),
      });
      for (const e of [ev('e1', 'ann'), ev('e2', 'bob'), ev('e3', 'ann'), ev('e4'), ev('e5', 'cy')])
        expect(await store.saveInbound(t, e)).toBe(true);
      const ids = (c: { events: { id: string }[] }) => c.events.map((e) => e.id);

      // a first worker takes the oldest event
      const first = await store.claimInbound(t, 1, 60_000);
      expect([ids(first), first.blocked]).toEqual([['e1'], false]);
      // a second one gets the rest, except ann's second event: her first is still running
      const second = await store.claimInbound(t, 10, 60_000);
      expect([ids(second), second.blocked]).toEqual([['e2', 'e4', 'e5'], true]);
      expect(await store.claimInbound(t, 10, 60_000)).toEqual({ events: [], blocked: true });
      // both of a member's events in one claim are handed out together, in order
      await store.settleInbound(t, ['e2', 'e4', 'e5'], []);
      await store.settleInbound(t, ['e1'], []);
      const third = await store.claimInbound(t, 10, 60_000);
      expect([ids(third), third.blocked]).toEqual([['e3'], false]);
      expect(third.events[0]).toEqual(ev('e3', 'ann'));
      // a failed run is released and can be claimed again at once
      await store.settleInbound(t, [], ['e3']);
      expect(ids(await store.claimInbound(t, 10, 60_000))).toEqual(['e3']);
      await store.settleInbound(t, ['e3'], []);
      expect((await store.pendingInbound(1000)).filter((p) => p.tenant === t)).toEqual([]);
      await expect(store.claimInbound(t, 0, 1000)).rejects.toThrow(/limit/);
    });

    it('gives the events a dead worker claimed to another once its lease expires, in order', async () => {
      const t = tenant();
      for (const [id, member] of [
        ['a1', 'ann'],
        ['b1', 'bob'],
        ['a2', 'ann'],
      ] as const)
        await store.saveInbound(t, { tenant: t, id, type: 'x', member });
      // the first worker claims ann's first event and dies without settling it
      expect((await store.claimInbound(t, 1, 300)).events.map((e) => e.id)).toEqual(['a1']);
      // meanwhile bob's event runs, ann's second waits behind her first
      expect((await store.claimInbound(t, 10, 300)).events.map((e) => e.id)).toEqual(['b1']);
      await new Promise((r) => setTimeout(r, 400));
      // lease expired: both of ann's events come back, in order, to the next claim (b1 is still
      // claimed by a live worker whose lease also ran out: it comes back too)
      expect((await store.claimInbound(t, 10, 60_000)).events.map((e) => e.id)).toEqual(['a1', 'b1', 'a2']);
    });

    it('commits concurrent members in one group: a stale or duplicate commit fails alone', async () => {
      const t = tenant();
      const effect = (member: string) => ({
        key: `${t}/${member}/hello`,
        tenant: t,
        member,
        instance: null,
        step: null,
        type: 'message.send',
        target: 'tg',
        data: {},
        notBefore: 1,
      });
      for (const id of ['ann', 'bob', 'cy']) await save(store, state(t, id, { points: 1 }));
      expect(await store.consumeEvent(t, 'already')).toBe(true);
      const loaded = await Promise.all(['ann', 'bob', 'cy', 'dee'].map((id) => store.loadMember(t, id)));
      expect(loaded.map((s) => s?.rev)).toEqual([1, 1, 1, undefined]);
      const commit = (id: string, expectedRev: number, eventId: string, points: number) =>
        store.commitMember({
          tenant: t,
          state: state(t, id, { points }),
          expectedRev,
          eventId,
          effects: [effect(id)],
          finished: [],
        });
      // one round: ann is stale (read at rev 0, now 1), cy's event was consumed already
      const results = await Promise.all([
        commit('ann', 0, 'ev-ann', 10),
        commit('bob', 1, 'ev-bob', 20),
        commit('cy', 1, 'already', 30),
        commit('dee', 0, 'ev-dee', 40),
      ]);
      expect(results).toEqual(['conflict', 'ok', 'duplicate', 'ok']);
      const after = await Promise.all(['ann', 'bob', 'cy', 'dee'].map((id) => store.loadMember(t, id)));
      expect(after.map((s) => [s?.rev, s?.profile.points])).toEqual([
        [1, 1],
        [2, 20],
        [1, 1],
        [1, 40],
      ]);
      expect(await Promise.all(['ev-ann', 'ev-bob', 'ev-dee'].map((e) => store.hasEvent(t, e)))).toEqual([
        false,
        true,
        true,
      ]);
      expect((await store.outboxOf(t)).map((e) => e.effect.member)).toEqual(['bob', 'dee']);
      for (const member of ['bob', 'dee'])
        await store.settleEffect(t, `${t}/${member}/hello`, {
          status: 'delivered',
          attempts: 1,
          availableAt: 1,
          lastError: null,
          settledAt: 1,
        });
    });

    it('claims due effects at commit for a listener; the relay leaves them until the claim expires', async () => {
      const t = tenant();
      const effect = (key: string, notBefore: number) => ({
        key: `${t}/${key}`,
        tenant: t,
        member: 'ann',
        instance: null,
        step: null,
        type: 'message.send',
        target: 'tg',
        data: {},
        notBefore,
      });
      const handed: { tenant: string; key: string }[] = [];
      const stop = store.onCommittedEffects((e) => handed.push(...e));
      try {
        const later = Date.now() + 3_600_000;
        const r = await store.commitMember({
          tenant: t,
          state: state(t, 'ann', {}),
          expectedRev: 0,
          eventId: 'join',
          effects: [effect('now', 1), effect('later', later)],
          finished: [],
        });
        expect(r).toBe('ok');
        // only the due one is claimed for this process; the later one waits in the outbox
        expect(handed).toEqual([{ tenant: t, key: `${t}/now` }]);
        const mine = async (now: number) =>
          (await store.dueEffects(now, 1000)).filter((e) => e.effect.tenant === t).map((e) => e.effect.key);
        expect(await mine(Date.now())).toEqual([]);
        // a sweep after a Redis loss does not hand it out again while its process delivers it
        await store.requeueClaimed();
        expect(await mine(Date.now())).toEqual([]);
        expect(await mine(later)).toEqual([`${t}/later`]);
        // what the process reads to deliver it is what the outbox holds (the first read is
        // answered from the commit, the second from the table)
        const first = await store.getEffect(t, `${t}/now`);
        expect(first).toMatchObject({ status: 'pending', attempts: 0, availableAt: 1, lastError: null });
        expect(await store.getEffect(t, `${t}/now`)).toEqual(first);
        // a rate-limit pause puts it back in line; the process that waits it out claims it again
        const slot = Date.now() + 500;
        await store.settleEffect(t, `${t}/now`, {
          status: 'pending',
          attempts: 0,
          availableAt: slot,
          lastError: null,
          settledAt: null,
        });
        expect(await store.reclaimEffect(t, `${t}/now`)).toBe(true);
        expect(await store.reclaimEffect(t, `${t}/now`)).toBe(false);
        await store.requeueClaimed();
        expect(await mine(slot)).toEqual([]);
        await store.settleEffect(t, `${t}/now`, {
          status: 'delivered',
          attempts: 1,
          availableAt: 1,
          lastError: null,
          settledAt: 1,
        });
        expect((await store.getEffect(t, `${t}/now`))?.status).toBe('delivered');
        await store.settleEffect(t, `${t}/later`, {
          status: 'skipped',
          attempts: 0,
          availableAt: later,
          lastError: null,
          settledAt: 1,
        });
      } finally {
        stop();
      }
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
