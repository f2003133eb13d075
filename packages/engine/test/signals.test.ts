import { describe, expect, it } from 'vitest';
import {
  type MemberCommit,
  MemoryEffects,
  MemoryScheduler,
  MemoryStore,
  Runtime,
  VirtualClock,
} from '../src/index.js';
import { signals } from '../src/mechanics/signals/index.js';
import { createTestKit, loadPlaybook } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const PB = withJourneys(
  `
- journey: feeding
  on: signal.feeding
  reentry: always
  steps:
    - { id: s, send: { via: tg, text: "feeding {{ event.count }} in {{ event.window }} ({{ event.scope }})" } }
- journey: sleep
  on: signal.sleep
  reentry: always
  steps:
    - { id: s, send: { via: tg, text: "sleep in {{ event.group }}: {{ event.count }}" } }
- journey: trend
  on: demand.late-night
  reentry: always
  steps:
    - { id: s, send: { via: tg, text: "late-night trend {{ event.count }} ({{ event.signal }}, {{ event.scope }})" } }
`,
  `signals:
  feeding:
    keywords: [辅食, Baby Food]
    window: 1d
    threshold: 3
    cooldown: 2d
    scope: member
  sleep:
    keywords: [sleep]
    window: 1h
    threshold: 2
    scope: group
  late-night:
    regex: ['late[- ]night']
    window: 1d
    threshold: 3
    scope: community
    emit: demand.late-night
`,
);

type Kit = Awaited<ReturnType<typeof createTestKit>>;

async function say(kit: Kit, member: string, text: string, group = 'g1'): Promise<void> {
  await kit.event('message.received', member, { text, group, channel: 'tg' });
}

describe('signals', () => {
  it('member scope: fires at the threshold, not before; the cooldown holds it; the window slides', async () => {
    const kit = await createTestKit(PB, { mechanics: [signals] });
    await kit.event('member.joined', 'm');
    await say(kit, 'm', 'first 辅食 today');
    await kit.wait('1h');
    await say(kit, 'm', 'any BABY FOOD tips?'); // one mention, however many words match
    await say(kit, 'm', 'nothing relevant');
    expect(kit.texts('m')).toEqual([]);
    await kit.wait('1h');
    await say(kit, 'm', '辅食 again');
    expect(kit.texts('m')).toEqual(['feeding 3 in 1d (member)']);
    // counting starts over, and within the 2-day cooldown even a full window does not fire
    for (let i = 0; i < 4; i++) await say(kit, 'm', `辅食 ${i}`);
    expect(kit.texts('m')).toHaveLength(1);
    await kit.wait('2d');
    // those mentions are older than a day now: the window has slid past them
    await say(kit, 'm', '辅食');
    await kit.wait('20h');
    await say(kit, 'm', '辅食');
    await kit.wait('5h'); // the first of these two is 25 h old: out of the window
    await say(kit, 'm', '辅食');
    expect(kit.texts('m')).toHaveLength(1);
    await say(kit, 'm', '辅食');
    expect(kit.texts('m')).toEqual(['feeding 3 in 1d (member)', 'feeding 3 in 1d (member)']);
  });

  it('member scope: keeps hits flat until the signal fires, and reads the counter earlier versions stored', async () => {
    const kit = await createTestKit(PB, { mechanics: [signals] });
    await kit.event('member.joined', 'm');
    await say(kit, 'm', '辅食 one');
    const live = (await kit.store.loadMember(kit.tenant, 'm'))!;
    const flat = (live.mechanics.signals as Record<string, unknown[]>).feeding!;
    expect(flat).toEqual([expect.any(Number), expect.any(String)]);
    // as an earlier version stored it: the same counter, as an object
    live.mechanics = {
      ...live.mechanics,
      signals: { feeding: { hits: [{ at: flat[0], id: flat[1] }], fired: null } },
    };
    await say(kit, 'm', '辅食 two');
    expect(kit.texts('m')).toEqual([]);
    await say(kit, 'm', '辅食 three');
    expect(kit.texts('m')).toEqual(['feeding 3 in 1d (member)']);
    // once fired, the counter keeps its firing (and no hits) as an object
    expect((await kit.member('m')).mechanics.signals).toEqual({
      feeding: { hits: [], fired: { id: expect.any(String), at: expect.any(Number), count: 3 } },
    });
  });

  it('group scope: members of one group count together; the member who tips it gets the event', async () => {
    const kit = await createTestKit(PB, { mechanics: [signals] });
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id);
    await say(kit, 'a', 'no sleep last night', 'g1');
    await say(kit, 'c', 'sleep regression?', 'g2');
    expect(kit.texts()).toEqual([]);
    await say(kit, 'b', 'sleep is hard', 'g1');
    expect(kit.texts('b')).toEqual(['sleep in g1: 2']);
    expect(kit.texts('a')).toEqual([]);
    await kit.wait('2h');
    await say(kit, 'c', 'sleep', 'g2'); // c's first mention is out of the 1h window
    expect(kit.texts('c')).toEqual([]);
  });

  it('community scope: everyone counts together, with the signal’s own event name', async () => {
    const kit = await createTestKit(PB, { mechanics: [signals] });
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id);
    await say(kit, 'a', 'another late night', 'g1');
    await say(kit, 'b', 'LATE-NIGHT make-up?', 'g2');
    expect(kit.texts()).toEqual([]);
    await say(kit, 'c', 'late night again');
    expect(kit.texts()).toEqual(['late-night trend 3 (late-night, community)']);
    expect(kit.texts('c')).toHaveLength(1);
  });

  it('a mention counted again when its input is retried (a commit conflict) counts once', async () => {
    const { playbook } = loadPlaybook(PB);
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const store = new MemoryStore();
    // every message's first commit loses to another worker: its input runs again, services too
    const lost = new Set<string>();
    const conflicting = new Proxy(store, {
      get(target, prop) {
        if (prop === 'commitMember') {
          return async (c: MemberCommit) => {
            if (c.eventId?.startsWith('msg') && !lost.has(c.eventId)) {
              lost.add(c.eventId);
              return 'conflict';
            }
            return target.commitMember(c);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const effects = new MemoryEffects(clock);
    const runtime = new Runtime({
      store: conflicting,
      scheduler: new MemoryScheduler(),
      clock,
      effects,
      mechanics: [signals],
    });
    await runtime.publish('t', playbook, { version: '1' });
    const say2 = (id: string) =>
      runtime.ingest({
        tenant: 't',
        id,
        type: 'message.received',
        member: 'a',
        data: { text: 'late night' },
      });
    await say2('msg1');
    await say2('msg2');
    await runtime.tick();
    expect(effects.messages('a')).toEqual([]);
    await say2('msg3');
    await runtime.tick();
    expect(effects.messages('a').map((m) => m.text)).toEqual(['late-night trend 3 (late-night, community)']);
    expect(lost.size).toBe(3);
  });
});
