import { MemoryStore, Runtime, systemClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { CONTEXT_VERSION, createEffectDeliverer, definePlugin, instantiatePlugin, Type } from '@kith/sdk';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  BullScheduler,
  createEventQueue,
  MemoryEventInbox,
  RedisRateLimiterStore,
  startWorkers,
} from '../src/index.js';
import { connect, deleteKeys, REDIS_URL, testPrefix, until } from './helpers.js';

const PLAYBOOK = `
kith: 1
id: t
name: Test
timezone: UTC
channels:
  chat: { use: counter }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hi, send: { via: chat, text: "hello" } }
`;

/** A channel whose provider allows 10 sends a second per connection, recording when each came. */
function counterPlugin(sent: number[]) {
  return definePlugin({
    name: 'counter',
    version: '1.0.0',
    displayName: 'Counter',
    description: 'Counts sends, for tests.',
    contextVersion: CONTEXT_VERSION,
    config: Type.Object({}),
    capabilities: {
      channel: {
        targets: ['member'],
        formats: [],
        async send() {
          sent.push(Date.now());
          return { providerMessageId: `m${sent.length}` };
        },
        async createInvite() {
          return { url: 'https://counter.example/join', code: 'c' };
        },
      },
    },
    rateLimits: [{ name: 'overall', max: 10, per: '1s', scope: 'connection', description: '10 a second' }],
  });
}

let redis: Redis;
let prefix: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  redis = connect();
  prefix = testPrefix();
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

it("holds a connection's rate limit across two worker processes sharing Redis", async () => {
  const sent: number[] = [];
  const plugin = counterPlugin(sent);
  const store = new MemoryStore();
  const inbox = new MemoryEventInbox();
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  for (let i = 0; i < 2; i++) {
    const bound = instantiatePlugin({ id: 'chat', plugin });
    if (!bound.ok) throw new Error(JSON.stringify(bound.issues));
    const connection = connect();
    const effects = createEffectDeliverer({
      instances: [bound.instance],
      limiterStore: new RedisRateLimiterStore(connection, { prefix: `${prefix}:rl:` }),
    });
    const scheduler = new BullScheduler({ connection, prefix });
    const runtime = new Runtime({ store, scheduler, clock: systemClock, effects, mechanics: [] });
    if (i === 0) await runtime.publish('acme', playbook, { version: '1', params });
    else await runtime.load('acme');
    const w = await startWorkers({
      runtime,
      store,
      inbox,
      connection: REDIS_URL,
      prefix,
      concurrency: 8,
      log: () => {},
      relay: { pollMs: 20 },
    });
    closers.push(async () => {
      await w.close();
      await scheduler.close();
      await connection.quit();
    });
  }
  const queue = createEventQueue({ inbox, connection: REDIS_URL, prefix, log: () => {} });
  closers.push(() => queue.close());
  for (let i = 0; i < 40; i++) {
    await queue.ingest('acme', { tenant: 'acme', id: `j${i}`, type: 'member.joined', member: `m${i}` });
  }
  await until(() => sent.length === 40, 20_000);
  sent.sort((a, b) => a - b);
  // The window lets 10 through at once, so 40 sends are 4 bursts a second apart: 3 s from first to
  // last whoever sends them. Two private limits (20 a second) would be done in 1 s.
  expect(sent.at(-1)! - sent[0]!).toBeGreaterThanOrEqual(2900);
  expect((await store.deadLetters('acme')).length).toBe(0);
});
