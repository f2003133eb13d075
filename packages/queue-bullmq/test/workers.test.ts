import { MemoryEffects, MemoryScheduler, MemoryStore, Runtime, systemClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  BullScheduler,
  createEventQueue,
  type EventQueue,
  MemoryEventInbox,
  type StartWorkersOptions,
  startWorkers,
  type Workers,
} from '../src/index.js';
import { connect, deleteKeys, REDIS_URL, testPrefix, until } from './helpers.js';

const PLAYBOOK = `
kith: 1
id: t
name: Test
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hi, send: { via: tg, text: "hello" } }
          - { id: w, wait: 1s }
          - { id: again, send: { via: tg, text: "second" } }
`;

let redis: Redis;
let prefix: string;
const closers: (() => Promise<void>)[] = [];
const logs: string[] = [];
const log = (level: string, message: string) => void logs.push(`${level}: ${message}`);

beforeEach(() => {
  redis = connect();
  prefix = testPrefix();
  logs.length = 0;
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

/** One worker process: its own runtime, scheduler and connections over the shared store. */
async function worker(
  store: MemoryStore,
  inbox: MemoryEventInbox,
  effects: MemoryEffects,
  options: Partial<StartWorkersOptions> = {},
): Promise<Workers> {
  const connection = connect();
  const scheduler = new BullScheduler({ connection, prefix });
  const runtime = new Runtime({
    store,
    scheduler,
    clock: systemClock,
    effects,
    mechanics: [],
    retry: { baseMs: 50, maxMs: 200, maxAttempts: 3 },
  });
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  await runtime.recover('acme');
  await runtime.recover('zeta');
  if ((await store.listPublished('acme')).length === 0) {
    await runtime.publish('acme', playbook, { version: '1', params });
    await runtime.publish('zeta', playbook, { version: '1', params });
  }
  const w = await startWorkers({
    runtime,
    store,
    inbox,
    connection: REDIS_URL,
    prefix,
    concurrency: 4,
    log,
    relay: { pollMs: 20 },
    ...options,
  });
  closers.push(async () => {
    await w.close();
    await scheduler.close();
    await connection.quit();
  });
  return w;
}

async function api(inbox: MemoryEventInbox): Promise<EventQueue> {
  const q = createEventQueue({ inbox, connection: REDIS_URL, prefix, log });
  closers.push(() => q.close());
  return q;
}

it('carries events from the API to two worker processes: every message once, duplicates refused', async () => {
  const store = new MemoryStore();
  const inbox = new MemoryEventInbox();
  const effects = new MemoryEffects(systemClock);
  const workers = [await worker(store, inbox, effects), await worker(store, inbox, effects)];
  const queue = await api(inbox);

  const members = Array.from({ length: 30 }, (_, i) => [i % 2 === 0 ? 'acme' : 'zeta', `m${i}`] as const);
  for (const [tenant, m] of members) {
    expect(await queue.ingest(tenant, { tenant, id: `join-${m}`, type: 'member.joined', member: m })).toBe(
      'accepted',
    );
  }
  expect(
    await queue.ingest('acme', { tenant: 'acme', id: 'join-m0', type: 'member.joined', member: 'm0' }),
  ).toBe('duplicate');

  await until(() => effects.messages().length === 60, 20_000);
  for (const [, m] of members) expect(effects.messages(m).map((x) => x.text)).toEqual(['hello', 'second']);
  expect(await inbox.pendingInbound(100)).toEqual([]);
  const stats = workers.map((w) => w.stats());
  expect(stats.reduce((n, s) => n + s.events.ingested, 0)).toBe(30);
  expect(stats.reduce((n, s) => n + s.effects.delivered, 0)).toBe(60);
  expect(stats.reduce((n, s) => n + s.timers.fired, 0)).toBe(30);
  // Every effect was attempted exactly once: no job ran twice.
  expect(effects.attempts).toHaveLength(60);
});

it('retries a failing effect with backoff, parks it in the dead letters, and a manual retry delivers it once', async () => {
  const store = new MemoryStore();
  const inbox = new MemoryEventInbox();
  const effects = new MemoryEffects(systemClock);
  effects.failWhen((e, attempt) =>
    e.member === 'flaky' && attempt < 3 ? { ok: false, error: 'provider 503' } : undefined,
  );
  let down = true;
  effects.failWhen((e) => (e.member === 'gone' && down ? { ok: false, error: 'provider down' } : undefined));
  const w = await worker(store, inbox, effects);
  const queue = await api(inbox);
  await queue.ingest('acme', { tenant: 'acme', id: 'j1', type: 'member.joined', member: 'flaky' });
  await queue.ingest('acme', { tenant: 'acme', id: 'j2', type: 'member.joined', member: 'gone' });

  await until(() => effects.messages('flaky').length === 2, 20_000);
  const byKey = new Map<string, [number, boolean][]>();
  for (const a of effects.attempts.filter((x) => x.key.includes('flaky')))
    byKey.set(a.key, [...(byKey.get(a.key) ?? []), [a.attempt, a.ok]]);
  expect([...byKey.values()]).toEqual([
    [
      [1, false],
      [2, false],
      [3, true],
    ],
    [
      [1, false],
      [2, false],
      [3, true],
    ],
  ]);
  await until(async () => (await store.deadLetters('acme')).length === 2, 10_000);
  const dead = await store.deadLetters('acme');
  expect(dead.map((d) => [d.effect.member, d.attempts, d.lastError])).toEqual([
    ['gone', 3, 'provider down'],
    ['gone', 3, 'provider down'],
  ]);
  expect(w.stats().effects.dead).toBe(2);

  down = false;
  // The API's retry, from another process: the outbox row goes back in line, the relay enqueues it.
  const api2 = new Runtime({ store, scheduler: new MemoryScheduler(), clock: systemClock, effects });
  for (const d of dead) expect(await api2.retryDeadLetter('acme', d.effect.key)).toBe(true);
  await until(() => effects.messages('gone').length === 2, 10_000);
  expect(effects.messages('gone').map((m) => m.text)).toEqual(['hello', 'second']);
  expect(await store.deadLetters('acme')).toEqual([]);
});

it('enqueues saved events whose job was never added (the API lost Redis) when workers start', async () => {
  const store = new MemoryStore();
  const inbox = new MemoryEventInbox();
  const effects = new MemoryEffects(systemClock);
  // Saved, as the API does before enqueueing, but no job: Redis was away.
  await inbox.saveInbound('zeta', { tenant: 'zeta', id: 'late', type: 'member.joined', member: 'lee' });
  const w = await worker(store, inbox, effects);
  await until(() => effects.messages('lee').length === 1, 10_000);
  expect(w.stats().relay.eventsEnqueued).toBe(1);
  expect(await inbox.pendingInbound(10)).toEqual([]);
});

it('runs the events of a worker killed mid-batch once its claim expires: none lost, none applied twice', async () => {
  const store = new MemoryStore();
  const inbox = new MemoryEventInbox();
  const effects = new MemoryEffects(systemClock);
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  const dead = new Runtime({
    store,
    scheduler: new MemoryScheduler(),
    clock: systemClock,
    effects: new MemoryEffects(),
    mechanics: [],
  });
  for (const t of ['acme', 'zeta']) await dead.publish(t, playbook, { version: '1', params });
  const members = Array.from({ length: 10 }, (_, i) => `k${i}`);
  for (const m of members)
    await inbox.saveInbound('acme', { tenant: 'acme', id: `join-${m}`, type: 'member.joined', member: m });
  // The dead worker claimed the whole batch, ran four events (their commits landed, their timers
  // went with it), and was killed before it marked anything done.
  const claim = await inbox.claimInbound('acme', 10, 600);
  expect(claim.events.map((e) => e.id)).toEqual(members.map((m) => `join-${m}`));
  for (const e of claim.events.slice(0, 4))
    expect(await dead.ingest({ ...e, tenant: 'acme' })).toBe('processed');

  const w = await worker(store, inbox, effects, { lockDurationMs: 600, relay: { pollMs: 20, sweepMs: 200 } });
  await until(() => effects.messages().length === 20, 20_000);
  for (const m of members) expect(effects.messages(m).map((x) => x.text)).toEqual(['hello', 'second']);
  expect(effects.attempts).toHaveLength(20);
  // the four it had run are duplicates now: not applied again, but their timers set again
  expect(w.stats().events).toEqual({ ingested: 6, duplicates: 4, missing: 0 });
  expect(await inbox.pendingInbound(100)).toEqual([]);
});

it('refuses a runtime without a BullScheduler and bad concurrency, saying what to do', async () => {
  const base = {
    store: new MemoryStore(),
    inbox: new MemoryEventInbox(),
    connection: REDIS_URL,
    prefix,
    log,
  };
  const runtime = new Runtime({
    store: base.store,
    scheduler: new MemoryScheduler(),
    clock: systemClock,
    effects: new MemoryEffects(),
  });
  await expect(startWorkers({ ...base, runtime })).rejects.toThrow(/must be a BullScheduler/);
  const scheduler = new BullScheduler({ connection: redis, prefix });
  const ok = new Runtime({ store: base.store, scheduler, clock: systemClock, effects: new MemoryEffects() });
  await expect(startWorkers({ ...base, runtime: ok, concurrency: 0 })).rejects.toThrow(
    /concurrency for effects must be a positive integer/,
  );
  await expect(startWorkers({ ...base, runtime: ok, concurrency: { events: 1.5 } })).rejects.toThrow(
    /concurrency for events must be a positive integer \(got 1.5\)/,
  );
  await expect(startWorkers({ ...base, runtime: ok, eventBatch: 0 })).rejects.toThrow(
    /eventBatch must be a positive integer/,
  );
  await scheduler.close();
});

it('warns at start when Redis is not set up for production', async () => {
  const store = new MemoryStore();
  await worker(store, new MemoryEventInbox(), new MemoryEffects());
  const policy = await redis.config('GET', 'appendonly');
  if ((policy as string[])[1] !== 'yes') expect(logs.join('\n')).toMatch(/appendonly is 'no'/);
  expect(logs.join('\n')).toMatch(/workers started/);
});

it('checks events at the API door with messages that say what is wrong', async () => {
  const queue = await api(new MemoryEventInbox());
  await expect(queue.ingest('acme', { tenant: 'acme', id: '', type: 'x' })).rejects.toThrow(/needs an 'id'/);
  await expect(queue.ingest('acme', { tenant: 'acme', id: 'a', type: '' })).rejects.toThrow(/needs a 'type'/);
  await expect(queue.ingest('acme', { tenant: 'other', id: 'a', type: 'x' })).rejects.toThrow(
    /says tenant 'other' but was sent for 'acme'/,
  );
});
