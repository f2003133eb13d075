import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

describe('triggers', () => {
  it('event with a filter', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: hotel
  on: { event: member.joined, filter: "event.entry == 'room-card'" }
  steps:
    - { id: hi, send: { via: tg, text: "room service?" } }
`),
    );
    await kit.event('member.joined', 'guest', { entry: 'room-card' });
    await kit.event('member.joined', 'web', { entry: 'site' });
    expect(kit.texts('guest')).toEqual(['room service?']);
    expect(kit.texts('web')).toEqual([]);
  });

  it('schedule: a cron in a time zone starts the journey for every member of the segment, each occurrence', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: friday-club
  on: { schedule: "0 20 * * 5", timezone: Asia/Shanghai, segment: "'reader' in member.tags" }
  steps:
    - { id: hi, send: { via: tg, text: "club starts" } }
`),
      { start: '2026-01-05T00:00:00Z' }, // Monday
    );
    await kit.event('member.joined', 'r', { tags: ['reader'] });
    await kit.event('member.joined', 'x');
    await kit.until('2026-01-09T11:59:00Z');
    expect(kit.texts()).toEqual([]);
    await kit.until('2026-01-09T12:00:00Z'); // Friday 20:00 in Shanghai
    expect(kit.effects.messages().map((m) => [m.member, m.at])).toEqual([
      ['r', Date.parse('2026-01-09T12:00:00Z')],
    ]);
    await kit.until('2026-01-16T12:00:00Z');
    expect(kit.texts('r')).toEqual(['club starts', 'club starts']);
  });

  it('segment entry: when a member starts matching, and again after leaving and re-entering (with re-entry)', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: vip
  on: { segment: "'vip' in member.tags" }
  reentry: after-exit
  steps:
    - { id: hi, send: { via: tg, text: "welcome, vip" } }
`),
    );
    await kit.event('member.joined', 'm');
    expect(kit.texts()).toEqual([]);
    await kit.event('member.updated', 'm', { tags: ['vip'] });
    await kit.event('member.updated', 'm', { attributes: { x: 1 } });
    expect(kit.texts()).toEqual(['welcome, vip']);
    await kit.event('member.updated', 'm', { removeTags: ['vip'] });
    await kit.event('member.updated', 'm', { tags: ['vip'] });
    expect(kit.texts()).toEqual(['welcome, vip', 'welcome, vip']);
  });

  it('threshold: when a metric first reaches a level, once', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: hundred
  on: { threshold: { value: member.messages, atLeast: 3 } }
  steps:
    - { id: hi, send: { via: tg, text: "3 messages!" } }
`),
    );
    await kit.event('member.joined', 'm');
    for (let i = 0; i < 5; i++) await kit.event('message.received', 'm');
    expect(kit.texts()).toEqual(['3 messages!']);
  });

  it('stage entry starts journeys (covered in ladder tests) and a disabled journey never starts', async () => {
    const kit = await createTestKit(
      withJourneys(`
- journey: off
  on: member.joined
  enabled: false
  steps:
    - { id: hi, send: { via: tg, text: "never" } }
`),
    );
    await kit.event('member.joined', 'm');
    expect(kit.texts()).toEqual([]);
  });
});
