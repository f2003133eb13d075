// The live counts of a SQL store come from aggregate queries; they must be what counting every
// member in the process gives (the path other stores take).
import {
  compilePlaybook,
  MemoryEffects,
  MemoryScheduler,
  Runtime,
  type Store,
  systemClock,
} from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { createSqlStore, type SqlStore } from '@kith/store-sql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveCounts } from '../src/live/counts.js';

const PLAYBOOK = `
kith: 1
id: live
name: Live
timezone: UTC
channels:
  chat: { use: sandbox }
tiers:
  regular: { name: Regular }
  star: { name: Star, when: "member.points >= 20" }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hello, send: { via: chat, text: "hi" } }
          - { id: pause, wait: 3d }
          - { id: nudge, send: { via: chat, text: "still there?" } }
  activate:
    when: member.messages >= 2
    journeys:
      - journey: thanks
        on: { stage: activate }
        steps:
          - { id: points, score: 25 }
          - { id: ask, wait: { event: message.received, timeout: 2d } }
          - { id: done, goal: engaged }
`;

let store: SqlStore;
let runtime: Runtime;

beforeAll(async () => {
  store = await createSqlStore({ pglite: undefined });
  runtime = new Runtime({
    store,
    scheduler: new MemoryScheduler(),
    clock: systemClock,
    effects: new MemoryEffects(),
  });
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  await runtime.publish('t', playbook, { version: '1', params });
  let n = 0;
  for (let i = 0; i < 30; i++) {
    await runtime.ingest({ tenant: 't', id: `j${i}`, type: 'member.joined', member: `m${i}` });
    // some talk enough to reach activate, some then answer the question, some leave
    for (let k = 0; k < i % 4; k++)
      await runtime.ingest({
        tenant: 't',
        id: `msg${n++}`,
        type: 'message.received',
        member: `m${i}`,
        data: { text: 'x' },
      });
    if (i % 7 === 0)
      await runtime.ingest({ tenant: 't', id: `left${i}`, type: 'member.left', member: `m${i}` });
  }
}, 120_000);
afterAll(() => store.close());

describe('live counts on SQL', () => {
  it('are what counting every member gives, from aggregate queries', async () => {
    const { playbook, params } = loadPlaybook(PLAYBOOK);
    const compiled = compilePlaybook(playbook, { version: '1', params });
    // the same store seen without its aggregates: counted member by member
    const scanned = new Proxy(store, {
      get: (target, key) => (key === 'memberTallies' ? undefined : Reflect.get(target, key, target)),
    }) as Store;
    const expected = await liveCounts(scanned, 't', compiled, 1);
    const actual = await liveCounts(store, 't', compiled, 1);
    expect(actual).toEqual(expected);
    // the scenario exercises what is counted
    expect(expected.members).toBe(30);
    expect(expected.left).toBeGreaterThan(0);
    expect(expected.stages.find((s) => s.stage === 'activate')?.reached).toBeGreaterThan(0);
    expect(Object.keys(expected.tiers)).toEqual(['regular', 'star']);
    expect(expected.goals.engaged).toBeGreaterThan(0);
    expect(expected.journeys.find((j) => j.journey === 'welcome')?.waiting.pause).toBeGreaterThan(0);
  });
});
