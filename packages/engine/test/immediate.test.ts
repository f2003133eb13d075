import { describe, expect, it } from 'vitest';
import { DEFAULT_MECHANICS } from '../src/mechanics/index.js';
import { createTestKit, type TestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

// a group assignment (a service with a reply), a wait with a timeout, sends, a referral, signals
const PB = withJourneys(
  `
- journey: welcome
  on: member.joined
  steps:
    - { id: g, group: { assign: mums } }
    - { id: hi, send: { via: tg, text: "Hi {{ member.name }} in {{ member.groups.mums }}" } }
    - id: chat
      wait: { event: message.received, timeout: 2d }
    - { id: bye, send: { via: tg, text: "talked: {{ member.messages }}" } }
- journey: nudge
  on: { event: message.received }
  reentry: always
  entryKey: event.id
  steps:
    - { id: n, send: { via: tg, text: "seen {{ member.messages }}" } }
`,
  `groups:
  mums: { via: tg, capacity: 2, shard: fill, overflow: open-new, name: "Mums {{ n }}" }
`,
);

async function scenario(kit: TestKit): Promise<unknown> {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  // concurrent inputs for the same members: the second of each pair waits for the first's lock
  await Promise.all(
    ids.flatMap((id) => [
      kit.event('member.joined', id, { name: id.toUpperCase(), referrer: id === 'a' ? null : 'a' }),
      kit.event('message.received', id, { text: 'hello' }),
    ]),
  );
  await kit.wait('1d');
  await kit.event('message.received', 'c', { text: 'again' });
  await kit.event('member.left', 'b');
  await kit.event('member.joined', 'f', { name: 'F' });
  await kit.wait('3d');
  const members = await Promise.all([...ids, 'f'].map((id) => kit.member(id)));
  return {
    members: members.map((m) => ({ ...m, rev: 0 })),
    sent: kit.effects.delivered.map((e) => [e.key, e.type, e.data]),
    groups: await kit.store.readShared('test', 'groups', 'mums'),
  };
}

/** Lets virtual time pass as `runUntil` does, ticking with `tickNow` (counting the ticks that answered at once) or `tick`. */
async function pass(kit: TestKit, ms: number, now: boolean, sync: { n: number }): Promise<void> {
  const tick = async () => {
    if (!now) return void (await kit.runtime.tick());
    const r = kit.runtime.tickNow();
    if (r instanceof Promise) await r;
    else sync.n++;
  };
  const until = kit.clock.now() + ms;
  for (;;) {
    await tick();
    const t = (await kit.scheduler.nextAt()) ?? Number.POSITIVE_INFINITY;
    const e = (await kit.store.nextEffectAt()) ?? Number.POSITIVE_INFINITY;
    const next = Math.min(t, e);
    if (next > until) break;
    kit.clock.set(Math.max(next, kit.clock.now()));
  }
  kit.clock.set(until);
  await tick();
}

describe('the immediate path (in-memory ports given to the Runtime)', () => {
  it('ends in the same members, effects and shared records as the promise path', async () => {
    const opts = { mechanics: DEFAULT_MECHANICS, kernel: { trace: false } };
    const plain = await scenario(await createTestKit(PB, opts));
    const immediate = await scenario(await createTestKit(PB, { ...opts, immediate: true }));
    expect(immediate).toEqual(plain);
    expect((plain as { sent: unknown[] }).sent.length).toBeGreaterThan(10);
  });

  it('tickNow fires the same timers and delivers the same effects as tick, at once when it can', async () => {
    const drive = async (now: boolean) => {
      const kit = await createTestKit(PB, {
        mechanics: DEFAULT_MECHANICS,
        kernel: { trace: false },
        immediate: true,
      });
      const sync = { n: 0 };
      for (const id of ['a', 'b', 'c']) {
        await kit.runtime.ingest({ tenant: 'test', id: `j-${id}`, type: 'member.joined', member: id });
        await pass(kit, 60_000, now, sync);
      }
      await kit.runtime.ingest({
        tenant: 'test',
        id: 'm-a',
        type: 'message.received',
        member: 'a',
        data: { text: 'hi' },
      });
      await pass(kit, 3 * 86_400_000, now, sync);
      const members = await Promise.all(['a', 'b', 'c'].map((id) => kit.member(id)));
      return { members, sent: kit.effects.delivered.map((e) => [e.key, e.type, e.data]), sync: sync.n };
    };
    const plain = await drive(false);
    const now = await drive(true);
    expect({ ...now, sync: 0 }).toEqual(plain);
    // the waits' timeouts fire at once; the deliveries the harness's outbox holds go the long way
    expect(now.sync).toBeGreaterThan(0);
    expect(plain.sent.length).toBeGreaterThan(5);
  });

  it('answers ingestNow at once when no service was needed, with a promise otherwise', async () => {
    const kit = await createTestKit(PB, { mechanics: DEFAULT_MECHANICS, immediate: true });
    const joined = kit.runtime.ingestNow({ tenant: 'test', id: 'j1', type: 'member.joined', member: 'a' });
    // joining assigns a group: a service call, so a promise
    expect(joined).toBeInstanceOf(Promise);
    expect(await joined).toBe('processed');
    const said = kit.runtime.ingestNow({ tenant: 'test', id: 'm1', type: 'message.received', member: 'a' });
    expect(said).toBe('processed');
    expect((await kit.member('a')).profile.messages).toBe(1);
    expect(kit.runtime.ingestNow({ tenant: 'test', id: 'm1', type: 'message.received', member: 'a' })).toBe(
      'duplicate',
    );

    const plain = await createTestKit(PB, { mechanics: DEFAULT_MECHANICS });
    await plain.event('member.joined', 'a');
    const later = plain.runtime.ingestNow({
      tenant: 'test',
      id: 'm1',
      type: 'message.received',
      member: 'a',
    });
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe('processed');
  });
});
