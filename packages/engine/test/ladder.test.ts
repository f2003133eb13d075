import { describe, expect, it } from 'vitest';
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
