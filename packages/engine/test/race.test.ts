import { describe, expect, it } from 'vitest';
import {
  type MemberCommit,
  MemoryEffects,
  MemoryScheduler,
  MemoryStore,
  Runtime,
  type Store,
  VirtualClock,
} from '../src/index.js';
import { createTestKit, loadPlaybook } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const PB = withJourneys(`
- journey: starter
  on: member.joined
  steps:
    - { id: settle, wait: 1h }
    - { id: pitch, send: { via: tg, text: "Buy now" } }
    - id: paid
      wait: { event: payment.succeeded, timeout: 3d }
      onTimeout:
        - { id: nope, exit: not-paid }
    - { id: thanks, send: { via: tg, text: "Thanks!" } }
`);

/** A store whose member commits wait for a gate: a worker that is slow to save. */
function gated(store: Store): { store: Store; hold(): void; release(): void } {
  let gate: Promise<void> | null = null;
  let open: () => void = () => {};
  const commit = async (c: MemberCommit) => {
    if (gate !== null) await gate;
    return store.commitMember(c);
  };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'commitMember') return commit;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return {
    store: proxy,
    hold() {
      gate = new Promise((r) => {
        open = r;
      });
    },
    release() {
      gate = null;
      open();
    },
  };
}

describe('resume before the wait is saved', () => {
  it('an event that arrives while another worker is still saving the wait is not lost', async () => {
    const { playbook } = loadPlaybook(PB);
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const shared = new MemoryStore({ isolate: true });
    const scheduler = new MemoryScheduler();
    const effects = new MemoryEffects(clock);
    const slow = gated(shared);
    const workerA = new Runtime({ store: slow.store, scheduler, clock, effects });
    const workerB = new Runtime({ store: shared, scheduler, clock, effects });
    for (const w of [workerA, workerB]) await w.publish('t', playbook, { version: '1' });
    await workerA.ingest({ tenant: 't', id: 'join', type: 'member.joined', member: 'ann' });

    // A takes the 1h timer and runs on to the payment wait, but is slow to save it …
    clock.set(Date.parse('2026-01-05T01:00:00Z'));
    const [timer] = await scheduler.takeDue(clock.now(), 10);
    slow.hold();
    const firing = workerA.fire(timer!);
    // … meanwhile B takes the payment in: no wait is saved yet, so nothing resumes
    clock.set(Date.parse('2026-01-05T01:00:05Z'));
    expect(
      await workerB.ingest({
        tenant: 't',
        id: 'pay',
        type: 'payment.succeeded',
        member: 'ann',
        data: { amount: 100 },
      }),
    ).toBe('processed');
    slow.release();
    await firing; // A's commit conflicts, A runs again on fresh state and finds the payment
    await workerA.tick();
    await workerB.runUntil(Date.parse('2026-01-10T00:00:00Z'), clock);
    expect(effects.messages('ann').map((m) => m.text)).toEqual(['Buy now', 'Thanks!']);
    const ann = await shared.loadMember('t', 'ann');
    expect(ann?.instances).toEqual([]);
    expect(ann?.profile.spent).toBe(100);
    expect(shared.finished.get('t')?.map((i) => i.reason)).toEqual(['end']);
  });

  it('a resume addressed to a wait token before the wait exists is kept and taken when the wait begins', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: approval
  on: member.joined
  steps:
    - { id: settle, wait: 1h }
    - id: approve
      wait: { event: approval.given, timeout: 1d }
      onTimeout:
        - { id: timeout, exit: no-approval }
    - { id: welcome, send: { via: tg, text: "Approved by {{ event.by }}" } }
`),
    );
    await kit.event('member.joined', 'ann');
    await kit.runtime.resume('test', 'ann', 'ann:approval:1@approve', { by: 'mod' });
    expect(kit.texts()).toEqual([]);
    await kit.wait('1h');
    expect(kit.texts()).toEqual(['Approved by mod']);
  });

  it('a resumed instance skips steps its log says already ran', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: j
  on: member.joined
  steps:
    - { id: a, send: { via: tg, text: a } }
    - { id: w, wait: 1h }
    - { id: b, send: { via: tg, text: b } }
`),
    );
    await kit.event('member.joined', 'ann');
    // a crash left the step log ahead of the position (b ran, its position was not saved)
    const state = await kit.member('ann');
    const inst = state.instances[0]!;
    inst.log.push({ step: 'b', at: kit.clock.now(), output: { status: 'sent' } });
    await kit.wait('1h');
    expect(kit.texts()).toEqual(['a']);
    expect(kit.finished('ann')[0]?.reason).toBe('end');
  });
});
