import { MemoryEffects, MemoryScheduler, Runtime, VirtualClock } from '@kith/engine';
import { validatePlaybookText } from '@kith/playbook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStore, type SqlStore } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from './pg-db.js';

const PLAYBOOK = `
kith: 1
id: onboarding
name: Onboarding
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hello, send: { via: tg, text: "Welcome {{ member.name }}" } }
          - { id: pause, wait: 1d }
          - { id: nudge, send: { via: tg, text: "Day two, {{ member.name }}" } }
`;

const DAY = 86_400_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const MEMBERS = Array.from({ length: 50 }, (_, i) => `m${String(i).padStart(2, '0')}`);

describe('the engine on PostgreSQL', () => {
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

  it('runs 50 members through a wait of a day, survives a restart, and ignores replayed events', async () => {
    const result = validatePlaybookText(PLAYBOOK, 'playbook.yaml');
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const playbook = result.playbook;
    if (playbook === undefined) throw new Error('invalid playbook');

    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const effects = new MemoryEffects(clock);
    const first = new Runtime({ store, scheduler: new MemoryScheduler(), clock, effects });
    await first.publish('acme', playbook, { version: '1' });
    const joined = MEMBERS.map((m) => ({
      tenant: 'acme',
      id: `joined-${m}`,
      type: 'member.joined',
      member: m,
      data: { name: `Name ${m}` },
    }));
    for (const e of joined) expect(await first.ingest(e)).toBe('processed');
    await first.tick();
    expect(effects.messages()).toHaveLength(50);

    // the process dies; a new runtime recovers the published playbook and the waits from PostgreSQL
    const scheduler = new MemoryScheduler();
    const second = new Runtime({ store, scheduler, clock, effects });
    expect(await second.recover('acme')).toBe(50);
    await second.runUntil(START + 2 * DAY, clock);

    const messages = effects.messages();
    expect(messages).toHaveLength(100);
    for (const m of MEMBERS) {
      expect(
        effects.messages(m).map((x) => [x.text, new Date(x.at).toISOString()]),
        m,
      ).toEqual([
        [`Welcome Name ${m}`, '2026-01-05T00:00:00.000Z'],
        [`Day two, Name ${m}`, '2026-01-06T00:00:00.000Z'],
      ]);
      const state = await store.loadMember('acme', m);
      expect(state?.instances.filter((i) => i.status === 'waiting' || i.status === 'active')).toEqual([]);
    }
    const outbox = await store.outboxOf('acme');
    expect(outbox).toHaveLength(100);
    expect(outbox.every((e) => e.status === 'delivered')).toBe(true);
    expect((await store.finishedRuns('acme')).length).toBe(50);
    expect((await store.listPublished('acme')).map((v) => v.version)).toEqual(['1']);

    // the same events again: duplicates, no new effects
    const attempts = effects.attempts.length;
    for (const e of joined) expect(await second.ingest(e)).toBe('duplicate');
    await second.runUntil(START + 5 * DAY, clock);
    expect(effects.messages()).toHaveLength(100);
    expect(effects.attempts.length).toBe(attempts);
    expect(await store.outboxOf('acme')).toHaveLength(100);
    expect(await store.nextEffectAt()).toBeUndefined();
    for (const m of MEMBERS) expect((await store.loadMember('acme', m))?.rev).toBeGreaterThan(0);
  });
});
