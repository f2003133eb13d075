import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours in the member’s time zone', () => {
  const pb = withJourneys(
    `
- journey: hi
  on: member.joined
  steps:
    - { id: hi, send: { via: tg, text: hi } }
`,
    `delivery:\n  quietHours: { start: '22:00', end: '08:00', mode: defer }\n`,
  );

  it('defers to 08:00 local across the spring-forward change (America/New_York, March 2026)', async () => {
    // 22:30 EST on Saturday 7 March; clocks go forward at 02:00 on Sunday 8 March
    const kit = await createTestKit(pb, { start: '2026-03-08T03:30:00Z' });
    await kit.event('member.joined', 'ny', { timezone: 'America/New_York' });
    expect(kit.texts()).toEqual([]);
    await kit.until('2026-03-08T11:59:00Z');
    expect(kit.texts()).toEqual([]);
    await kit.until('2026-03-08T12:00:00Z');
    // 08:00 EDT is 12:00 UTC (it would be 13:00 UTC the day before)
    expect(kit.effects.messages()[0]?.at).toBe(at('2026-03-08T12:00:00Z'));
  });

  it('defers to 08:00 local across the fall-back change, and not at all outside quiet hours', async () => {
    const kit = await createTestKit(pb, { start: '2026-11-01T03:00:00Z' }); // 23:00 EDT, 31 October
    await kit.event('member.joined', 'ny', { timezone: 'America/New_York' });
    await kit.event('member.joined', 'sh'); // Asia/Shanghai (the playbook's): 11:00 there
    expect(kit.texts('sh')).toEqual(['hi']);
    await kit.wait('1d');
    expect(kit.effects.messages('ny')[0]?.at).toBe(at('2026-11-01T13:00:00Z'));
  });

  it('skip mode drops the message and the member moves on', async () => {
    const kit = await createTestKit(
      withJourneys(
        `
- journey: hi
  on: member.joined
  steps:
    - { id: hi, send: { via: tg, text: hi } }
    - { id: done, tag: greeted }
`,
        `delivery:\n  quietHours: { start: '22:00', end: '08:00', mode: skip }\n`,
      ),
      { start: '2026-01-05T15:00:00Z' }, // 23:00 in Shanghai
    );
    await kit.event('member.joined', 'm');
    await kit.wait('1d');
    expect(kit.texts()).toEqual([]);
    expect((await kit.member('m')).profile.tags).toEqual(['greeted']);
  });
});

describe('frequency caps', () => {
  const burst = (mode: string, critical = false) =>
    withJourneys(
      `
- journey: burst
  on: member.joined
  steps:
    - { id: m1, send: { via: tg, text: one } }
    - { id: m2, send: { via: tg, text: two } }
    - { id: m3, send: { via: tg, text: three, critical: ${critical} } }
    - { id: done, tag: moved-on }
`,
      `delivery:\n  perMember: { max: 2, per: 1d, mode: ${mode} }\n  quietHours: { start: '22:00', end: '08:00' }\n`,
    );

  it('skip: the third message in a day is dropped, and the member still moves on', async () => {
    const kit = await createTestKit(burst('skip'), { start: '2026-01-05T02:00:00Z' });
    await kit.event('member.joined', 'm');
    await kit.wait('3d');
    expect(kit.texts()).toEqual(['one', 'two']);
    expect((await kit.member('m')).profile.tags).toEqual(['moved-on']);
  });

  it('defer: the third message goes when the window allows (and outside quiet hours)', async () => {
    const kit = await createTestKit(burst('defer'), { start: '2026-01-05T02:00:00Z' }); // 10:00 in Shanghai
    await kit.event('member.joined', 'm');
    expect(kit.texts()).toEqual(['one', 'two']);
    expect((await kit.member('m')).profile.tags).toEqual(['moved-on']);
    await kit.wait('3d');
    expect(kit.texts()).toEqual(['one', 'two', 'three']);
    expect(kit.effects.messages()[2]?.at).toBe(at('2026-01-06T02:00:00Z'));
  });

  it('critical bypasses the cap and quiet hours', async () => {
    const kit = await createTestKit(burst('skip', true), { start: '2026-01-05T15:00:00Z' }); // 23:00 in Shanghai
    await kit.event('member.joined', 'm');
    expect(kit.texts()).toEqual(['three']);
    await kit.wait('1d');
    expect(kit.texts()).toEqual(['three', 'one', 'two']);
  });

  it('a group cap limits messages per group across all members’ journeys', async () => {
    const pb = (mode: string) =>
      withJourneys(
        `
- journey: greet
  on: member.joined
  steps:
    - { id: g, group: { assign: mums } }
    - { id: hi, send: { via: tg, to: group, text: "hi {{ member.id }}" } }
`,
        `groups:\n  mums: { via: tg, capacity: 100, groups: ['g1'] }\ndelivery:\n  perGroup: { max: 2, per: 1h, mode: ${mode} }\n`,
      );
    const deferred = await createTestKit(pb('defer'), { start: '2026-01-05T02:00:00Z' });
    for (const id of ['a', 'b', 'c']) await deferred.event('member.joined', id);
    expect(deferred.texts()).toEqual(['hi a', 'hi b']);
    await deferred.wait('1h');
    expect(deferred.texts()).toEqual(['hi a', 'hi b', 'hi c']);
    expect(deferred.effects.messages()[2]?.at).toBe(at('2026-01-05T03:00:00Z'));

    const skipped = await createTestKit(pb('skip'), { start: '2026-01-05T02:00:00Z' });
    for (const id of ['a', 'b', 'c']) await skipped.event('member.joined', id);
    await skipped.wait('2h');
    expect(skipped.texts()).toEqual(['hi a', 'hi b']);
    expect(skipped.store.outboxOf('test').filter((e) => e.status === 'skipped')).toHaveLength(1);
  });
});

describe('opting out of a channel', () => {
  it('skips direct messages on that channel after member.unsubscribed, except critical ones', async () => {
    const pb = withJourneys(`
- journey: news
  on: { event: newsletter.due }
  reentry: always
  entryKey: event.issue
  steps:
    - { id: issue, send: { via: tg, text: "issue {{ event.issue }}" } }
    - { id: receipt, send: { via: tg, text: "receipt {{ event.issue }}", critical: true } }
`);
    const kit = await createTestKit(pb, { start: '2026-03-02T03:00:00Z' });
    await kit.event('member.joined', 'ann');
    await kit.event('newsletter.due', 'ann', { issue: 1 });
    await kit.event('member.unsubscribed', 'ann', { channel: 'tg' });
    await kit.event('newsletter.due', 'ann', { issue: 2 });
    expect(kit.texts('ann')).toEqual(['issue 1', 'receipt 1', 'receipt 2']);
    expect((await kit.member('ann')).profile.tags).toContain('unsubscribed:tg');
  });
});
