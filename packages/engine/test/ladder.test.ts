import { describe, expect, it } from 'vitest';
import { advance, reviewIsIdle } from '../src/kernel/advance.js';
import { createTestKit } from '../src/testing/index.js';
import { HEAD } from './fixtures.js';

const PB = `${HEAD}
tiers:
  member: {}
  kol:
    when: member.referrals >= 2
    keepWhen: daysSince(member.lastActiveAt) < 30
stageReview: 7d
stages:
  attract:
    journeys:
      - journey: reached
        on: stage.reached
        reentry: always
        entryKey: event.stage
        steps:
          - { id: log, send: { via: tg, text: "reached {{ event.stage }}" } }
  activate:
    when: member.messages >= 3
    keepWhen: daysSince(member.lastActiveAt) < 10
    journeys:
      - journey: activated
        on: { stage: activate }
        steps:
          - { id: a, tag: activated }
  transact:
    when: member.orders >= 1
    keepWhen: daysSince(member.lastActiveAt) < 10
    journeys:
      - journey: first-order
        on: { stage: transact }
        steps:
          - { id: t, send: { via: tg, text: "welcome, customer" } }
      - journey: tiered
        on: { event: tier.changed }
        reentry: always
        entryKey: event.to
        steps:
          - { id: t, send: { via: tg, text: "tier {{ event.from }} -> {{ event.to }}" } }
`;

describe('stages', () => {
  it('moves up at once through every stage in between, starting stage-entry journeys', async () => {
    const kit = await createTestKit(PB);
    await kit.event('member.joined', 'm');
    expect(kit.texts('m')).toEqual(['reached attract']);
    await kit.event('payment.succeeded', 'm', { amount: 500 });
    const texts = kit.texts('m');
    expect(texts.filter((t) => t.startsWith('reached'))).toEqual([
      'reached attract',
      'reached activate',
      'reached transact',
    ]);
    expect(texts).toContain('welcome, customer');
    const m = await kit.member('m');
    expect(m.profile.stage).toBe('transact');
    expect(m.profile.tags).toEqual(['activated']);
    expect(m.stagesReached).toEqual(['attract', 'activate', 'transact']);
  });

  it('moves down only on the periodic review, by keepWhen, and does not bounce back up', async () => {
    const kit = await createTestKit(PB);
    await kit.event('member.joined', 'm');
    for (let i = 0; i < 3; i++) await kit.event('message.received', 'm');
    expect((await kit.member('m')).profile.stage).toBe('activate');
    await kit.wait('6d'); // inactive for 6 days: review at day 7 keeps it (keepWhen < 10 days)
    await kit.wait('1d');
    expect((await kit.member('m')).profile.stage).toBe('activate');
    await kit.wait('5d'); // 12 days inactive, but no review yet since day 7
    await kit.event('member.updated', 'm', { attributes: { city: 'HZ' } });
    expect((await kit.member('m')).profile.stage).toBe('activate');
    await kit.wait('2d'); // review at day 14
    expect((await kit.member('m')).profile.stage).toBe('attract');
    await kit.event('member.updated', 'm', { attributes: { city: 'SH' } });
    expect((await kit.member('m')).profile.stage).toBe('attract');
    await kit.event('message.received', 'm');
    expect((await kit.member('m')).profile.stage).toBe('activate');
  });
});

describe('tiers', () => {
  it('promotes when its rule holds and demotes when keepWhen fails, in written rank order', async () => {
    const kit = await createTestKit(PB);
    await kit.event('member.joined', 'kol');
    expect((await kit.member('kol')).profile.tier).toBe('member');
    await kit.event('member.joined', 'a', { referrer: 'kol' });
    expect((await kit.member('kol')).profile.referrals).toBe(1);
    await kit.event('member.joined', 'b', { referrer: 'kol' });
    const kol = await kit.member('kol');
    expect(kol.profile.referrals).toBe(2);
    expect(kol.profile.tier).toBe('kol');
    await kit.wait('31d');
    await kit.event('member.updated', 'kol', { name: 'K' });
    expect((await kit.member('kol')).profile.tier).toBe('member');
    expect(kit.texts('kol').filter((t) => t.startsWith('tier'))).toEqual([
      'tier member -> kol',
      'tier kol -> member',
    ]);
  });
});

describe('the periodic review', () => {
  it('is skipped for exactly the members it would leave as they are', async () => {
    const kit = await createTestKit(PB);
    // members in every situation a review meets: fresh, active, customers, a KOL, gone quiet
    await kit.event('member.joined', 'fresh');
    await kit.event('member.joined', 'kol');
    for (const id of ['talker', 'buyer', 'quiet']) await kit.event('member.joined', id, { referrer: 'kol' });
    for (let i = 0; i < 3; i++) {
      await kit.event('message.received', 'talker');
      await kit.event('message.received', 'quiet');
    }
    await kit.event('payment.succeeded', 'buyer', { amount: 500 });
    expect((await kit.member('kol')).profile.tier).toBe('kol');
    const kernel = kit.runtime.kernel('test');
    const ids = ['fresh', 'kol', 'talker', 'buyer', 'quiet'];
    const seen = { idle: 0, moved: 0 };
    for (const days of [0, 5, 12, 40]) {
      const now = kit.clock.now() + days * 86_400_000;
      for (const id of ids) {
        const before = structuredClone(await kit.member(id));
        const idle = reviewIsIdle(kernel, structuredClone(before), now);
        const after = structuredClone(before);
        const out = advance(kernel, after, { kind: 'review', id: String(now) }, now);
        const unchanged =
          JSON.stringify(after) === JSON.stringify(before) &&
          out.effects.length + out.events.length + out.timers.length + out.requests.length === 0;
        expect({ id, days, idle }).toEqual({ id, days, idle: unchanged });
        seen[idle ? 'idle' : 'moved']++;
      }
    }
    // both kinds met: quiet members leave their stage and the KOL its tier by day 40
    expect(seen.idle).toBeGreaterThan(0);
    expect(seen.moved).toBeGreaterThan(0);
  });
});
