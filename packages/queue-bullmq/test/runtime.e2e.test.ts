import { MemoryEffects, MemoryStore, Runtime, systemClock, type Timer } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BullScheduler, TimerWorker } from '../src/index.js';
import { connect, deleteKeys, testPrefix, until } from './helpers.js';

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
          - { id: w, wait: 2s }
          - { id: again, send: { via: tg, text: "second" } }
`;

let redis: Redis;
let prefix: string;
let scheduler: BullScheduler;
const workers: TimerWorker[] = [];
const connections: Redis[] = [];

beforeEach(() => {
  redis = connect();
  prefix = testPrefix();
  scheduler = new BullScheduler({ connection: redis, prefix, now: systemClock.now });
});

afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  for (const c of connections.splice(0)) await c.quit();
  await scheduler.obliterate();
  await scheduler.close();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

it('runs a real 2 s wait through BullMQ: the second message arrives once', async () => {
  const effects = new MemoryEffects(systemClock);
  const runtime = new Runtime({
    store: new MemoryStore(),
    scheduler,
    clock: systemClock,
    effects,
    mechanics: [],
  });
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  await runtime.publish('acme', playbook, { version: '1', params });

  const fired: Timer[] = [];
  // Two workers, as two processes would run: the timer must still fire once.
  for (let i = 0; i < 2; i++) {
    const connection = connect();
    connections.push(connection);
    const w = new TimerWorker(
      async (t) => {
        fired.push(t);
        await runtime.fire(t);
        await runtime.tick();
      },
      { connection, prefix },
    );
    workers.push(w);
    await w.ready();
  }

  const joinedAt = Date.now();
  await runtime.ingest({ tenant: 'acme', id: 'e1', type: 'member.joined', member: 'ann', data: {} });
  await runtime.tick();
  expect(effects.messages('ann').map((m) => m.text)).toEqual(['hello']);
  expect((await scheduler.pending()).length).toBe(1);

  await until(() => effects.messages('ann').length === 2, 15_000);
  // Let any duplicate delivery surface: the queue is empty and idle before we count.
  await until(async () => (await scheduler.queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
  expect(effects.messages('ann').map((m) => m.text)).toEqual(['hello', 'second']);
  expect(fired).toHaveLength(1);
  expect(fired[0]!.at - joinedAt).toBeGreaterThanOrEqual(2000);
  expect(effects.messages('ann')[1]!.at).toBeGreaterThanOrEqual(fired[0]!.at);
});
