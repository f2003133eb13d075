import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const STARTER = withJourneys(
  `
- journey: starter
  on: member.joined
  exit:
    - event: member.left
  steps:
    - { id: pitch, offer: { offer: box, via: tg, text: "{{ checkout.url }}" } }
    - id: paid
      wait: { event: payment.succeeded, filter: "event.offer == 'box'", timeout: 3d }
      onTimeout:
        - { id: remind, send: { via: tg, text: "Still thinking?" } }
        - { id: gave-up, exit: not-paid }
    - { id: thanks, send: { via: tg, text: "Thanks!" } }
    - { id: won, goal: purchased }
- journey: receipt
  on: { event: payment.succeeded }
  reentry: always
  entryKey: event.orderId
  steps:
    - { id: receipt, send: { via: tg, critical: true, text: "Receipt {{ event.orderId }}" } }
`,
  `offers:\n  box: { price: 5900, currency: CNY }\n`,
);

describe('idempotent ingestion', () => {
  it('the same event twice has no second effect', async () => {
    const kit = await createTestKit(STARTER);
    expect(await kit.event('member.joined', 'ann', {}, { id: 'join-1' })).toBe('processed');
    expect(await kit.event('member.joined', 'ann', {}, { id: 'join-1' })).toBe('duplicate');
    expect(kit.effects.of('payment.checkout')).toHaveLength(1);
    expect(kit.effects.attempts.filter((a) => a.key.includes('pitch/0'))).toHaveLength(1);
    const orderId = (kit.effects.of('payment.checkout')[0]!.data as { orderId: string }).orderId;
    await kit.event('payment.succeeded', 'ann', { orderId, offer: 'box' }, { id: 'pay-1' });
    expect(await kit.event('payment.succeeded', 'ann', { orderId, offer: 'box' }, { id: 'pay-1' })).toBe(
      'duplicate',
    );
    expect(kit.texts('ann').slice(1)).toEqual(['Thanks!', `Receipt ${orderId}`]);
    const m = await kit.member('ann');
    expect(m.profile.spent).toBe(5900);
    expect(m.profile.orders).toBe(1);
    expect(m.profile.goals).toEqual(['purchased']);
  });

  it('a payment after the wait timed out is recorded but does not resume the old wait', async () => {
    const kit = await createTestKit(STARTER);
    await kit.event('member.joined', 'bo');
    const orderId = (kit.effects.of('payment.checkout')[0]!.data as { orderId: string }).orderId;
    await kit.wait('3d');
    expect(kit.texts('bo').slice(1)).toEqual(['Still thinking?']);
    expect(kit.finished('bo').map((i) => [i.journey, i.reason])).toEqual([['starter', 'not-paid']]);
    await kit.event('payment.succeeded', 'bo', { orderId, offer: 'box' });
    expect(kit.texts('bo').slice(1)).toEqual(['Still thinking?', `Receipt ${orderId}`]);
    const m = await kit.member('bo');
    expect(m.orders[orderId]?.status).toBe('paid');
    expect(m.profile.spent).toBe(5900);
    expect(m.profile.goals).toEqual([]);
    expect(m.instances).toEqual([]);
  });

  it('a timer delivered twice (at-least-once scheduler) resumes once', async () => {
    const kit = await createTestKit(STARTER);
    await kit.event('member.joined', 'cy');
    const [timer] = kit.scheduler.pending();
    await kit.clock.set(timer!.at);
    await kit.runtime.fire(timer!);
    await kit.runtime.fire(timer!);
    await kit.runtime.tick();
    expect(kit.texts('cy').slice(1)).toEqual(['Still thinking?']);
  });
});

describe('exit rules', () => {
  it('a member leaving mid-wait exits at once and its timer is cancelled', async () => {
    const kit = await createTestKit(STARTER);
    await kit.event('member.joined', 'dee');
    expect(kit.scheduler.pending()).toHaveLength(1);
    await kit.wait('1d');
    await kit.event('member.left', 'dee');
    expect(kit.finished('dee')[0]).toMatchObject({ status: 'exited', reason: 'event:member.left' });
    expect(kit.scheduler.pending()).toEqual([]);
    await kit.wait('5d');
    expect(kit.texts('dee')).toHaveLength(1);
  });

  it('a `when` rule applies before every step and as soon as the member changes', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: drip
  on: member.joined
  exit:
    - when: "'customer' in member.tags"
      goal: converted
  steps:
    - { id: a, send: { via: tg, text: a } }
    - { id: w, wait: 1d }
    - { id: b, send: { via: tg, text: b } }
`),
    );
    await kit.event('member.joined', 'x');
    await kit.event('member.joined', 'y', { tags: ['customer'] });
    await kit.event('member.updated', 'x', { tags: ['customer'] });
    await kit.wait('2d');
    expect(kit.texts('x')).toEqual(['a']);
    expect(kit.texts('y')).toEqual([]);
    expect(kit.finished('x')[0]).toMatchObject({ status: 'completed', goal: 'converted' });
    expect((await kit.member('x')).profile.goals).toEqual(['converted']);
  });

  it('an event rule with a goal ends the journey wherever the member is', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: nurture
  on: member.joined
  exit:
    - { event: payment.succeeded, goal: purchased }
  steps:
    - { id: w1, wait: 1d }
    - { id: a, send: { via: tg, text: a } }
    - { id: w2, wait: 1d }
    - { id: b, send: { via: tg, text: b } }
`),
    );
    await kit.event('member.joined', 'p');
    await kit.wait('1d');
    await kit.event('payment.succeeded', 'p', { amount: 100 });
    await kit.wait('3d');
    expect(kit.texts('p')).toEqual(['a']);
    expect(kit.finished('p')[0]).toMatchObject({ goal: 'purchased', status: 'completed' });
  });
});
