import { describe, expect, it } from 'vitest';
import { MemoryEffects, MemoryScheduler, MemoryStore, Runtime, VirtualClock } from '../src/index.js';
import { moderation } from '../src/mechanics/covenant/index.js';
import { createTestKit, loadPlaybook } from '../src/testing/index.js';
import { HEAD } from './fixtures.js';

const MECHANICS = [moderation];

function playbook(rules: string, strikes: string): string {
  return `${HEAD}
covenant:
  text: Be kind. No ads.
  rules:
${rules
  .trim()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
  strikes: ${strikes}
groups:
  mums: { via: tg, capacity: 50, groups: ['g1'] }
stages:
  attract:
    journeys:
      - journey: join
        on: member.joined
        steps:
          - { id: g, group: { assign: mums } }
      - journey: strike
        on: moderation.strike
        reentry: always
        steps:
          - { id: s, send: { via: tg, text: "strike {{ event.rule }} {{ event.strikes }} {{ event.consequence }}", critical: true } }
      - journey: muted
        on: member.muted
        reentry: always
        steps:
          - { id: s, send: { via: tg, text: "muted", critical: true } }
      - journey: unmuted
        on: member.unmuted
        reentry: always
        steps:
          - { id: s, send: { via: tg, text: "unmuted", critical: true } }
      - journey: removed
        on: member.removed
        steps:
          - { id: s, send: { via: tg, text: "removed", critical: true } }
`;
}

const ADS = `
- id: no-ads
  description: No advertising
  keywords: [代购, Discount Code]
  action: strike
  message: "{{ member.name }}, no ads please ({{ strikes }})"
`;

const LADDER = '{ warn: 1, mute: 2, muteFor: 1h, remove: 3, window: 7d }';

type Kit = Awaited<ReturnType<typeof createTestKit>>;

function channelOps(kit: Kit) {
  return kit.effects.delivered
    .filter((e) => e.type.startsWith('group.') && e.type !== 'group.add')
    .map((e) => ({ type: e.type, target: e.target, data: e.data }));
}

async function join(kit: Kit, id: string, name: string): Promise<void> {
  await kit.event('member.joined', id, { name, channel: 'tg', address: `u-${id}` });
}

describe('moderation', () => {
  it('climbs the ladder: warn at 1 strike, mute at 2, remove at 3', async () => {
    const kit = await createTestKit(playbook(ADS, LADDER), { mechanics: MECHANICS });
    await join(kit, 'm', 'Max');
    await kit.event('message.received', 'm', { text: 'hello everyone' });
    expect(kit.texts('m')).toEqual([]);
    await kit.event('message.received', 'm', { text: 'best 代购 prices' });
    expect(kit.texts('m')).toEqual(['Max, no ads please (1)', 'strike no-ads 1 warn']);
    expect(channelOps(kit)).toEqual([]);
    await kit.event('message.received', 'm', { text: 'use my DISCOUNT code' });
    const now = kit.clock.now();
    expect(kit.texts('m').slice(2)).toEqual(['Max, no ads please (2)', 'strike no-ads 2 mute', 'muted']);
    expect(channelOps(kit)).toEqual([
      {
        type: 'group.mute',
        target: 'tg',
        data: { pool: 'mums', group: 'g1', member: 'm', address: 'u-m', untilMs: now + 3_600_000 },
      },
    ]);
    await kit.event('message.received', 'm', { text: '代购代购' });
    expect(kit.texts('m').slice(5)).toEqual(['Max, no ads please (3)', 'strike no-ads 3 remove', 'removed']);
    expect(channelOps(kit)[1]).toEqual({
      type: 'group.remove',
      target: 'tg',
      data: { pool: 'mums', group: 'g1', member: 'm', address: 'u-m' },
    });
    // removal is the member.left flow: it has left, its seat is free, and nothing more happens to it
    const m = await kit.member('m');
    expect(m.leftAt).not.toBeNull();
    expect(m.profile.groups).toEqual({});
    expect(m.profile.strikes).toBe(3);
    const pool = await kit.store.readShared<{ groups: { id: string; size: number }[] }>(
      'test',
      'groups',
      'mums',
    );
    expect(pool?.groups).toMatchObject([{ id: 'g1', size: 0 }]);
    await kit.event('message.received', 'm', { text: '代购' });
    expect(kit.texts('m')).toHaveLength(8);
  });

  it('forgets strikes older than the window', async () => {
    const kit = await createTestKit(playbook(ADS, LADDER), { mechanics: MECHANICS });
    await join(kit, 'm', 'Max');
    await kit.event('message.received', 'm', { text: '代购' });
    await kit.wait('6d');
    await kit.event('message.received', 'm', { text: '代购' });
    expect((await kit.member('m')).profile.strikes).toBe(2);
    await kit.wait('1d'); // the first strike is now a week old
    expect((await kit.member('m')).profile.strikes).toBe(1);
    await kit.event('message.received', 'm', { text: '代购' });
    // two strikes within the window: a mute, not a removal
    expect(kit.texts('m').filter((t) => t.startsWith('strike'))).toEqual([
      'strike no-ads 1 warn',
      'strike no-ads 2 mute',
      'strike no-ads 2 mute',
    ]);
    await kit.wait('8d');
    expect((await kit.member('m')).profile.strikes).toBe(0);
  });

  it('flood: N messages within the window is a strike, slower talk is not', async () => {
    const kit = await createTestKit(
      playbook(
        `
- id: no-flood
  flood: { messages: 3, per: 1m }
  action: mute
  message: Slow down, {{ member.name }}
`,
        '{ muteFor: 10m, window: 1d }',
      ),
      { mechanics: MECHANICS },
    );
    await join(kit, 'm', 'Max');
    for (let i = 0; i < 4; i++) {
      await kit.event('message.received', 'm', { text: `msg ${i}` });
      await kit.wait('31s'); // 3 messages span 62 s: never 3 within a minute
    }
    expect(kit.texts('m')).toEqual([]);
    for (let i = 0; i < 3; i++) await kit.event('message.received', 'm', { text: `fast ${i}` });
    expect(kit.texts('m')).toEqual(['Slow down, Max', 'strike no-flood 1 mute', 'muted']);
    await kit.event('message.received', 'm', { text: 'one more' }); // a new run of 3 is needed
    expect(kit.texts('m')).toHaveLength(3);
    await kit.wait('10m');
    expect(kit.texts('m')).toEqual(['Slow down, Max', 'strike no-flood 1 mute', 'muted', 'unmuted']);
  });

  it('flood: message times are kept for the longest window of any flood rule, and no longer', async () => {
    const kit = await createTestKit(
      playbook(
        `
- id: burst
  flood: { messages: 3, per: 1m }
  action: warn
  message: burst
- id: steady
  flood: { messages: 4, per: 10m }
  action: warn
  message: steady
`,
        '{ window: 1d }',
      ),
      { mechanics: MECHANICS },
    );
    await join(kit, 'm', 'Max');
    // one message, then eleven minutes of quiet: it can no longer count toward either rule
    await kit.event('message.received', 'm', { text: 'early' });
    await kit.wait('11m');
    for (let i = 0; i < 3; i++) {
      await kit.event('message.received', 'm', { text: `slow ${i}` });
      await kit.wait('3m');
    }
    expect(kit.texts('m')).toEqual([]);
    // the fourth within ten minutes (the first of them 9 minutes ago): only the longer rule holds
    await kit.event('message.received', 'm', { text: 'slow 3' });
    expect(kit.texts('m')).toEqual(['steady', 'strike steady 1 warn']);
  });

  it('keeps a lone message time as a number, and reads the object earlier versions stored', async () => {
    const kit = await createTestKit(
      playbook(
        `
- id: no-flood
  flood: { messages: 3, per: 1m }
  action: warn
  message: Slow down, {{ member.name }}
`,
        '{ window: 1d }',
      ),
      { mechanics: MECHANICS },
    );
    await join(kit, 'm', 'Max');
    await kit.event('message.received', 'm', { text: 'one' });
    const live = (await kit.store.loadMember(kit.tenant, 'm'))!;
    const first = live.mechanics.moderation;
    expect(typeof first).toBe('number');
    // as an earlier version stored it: the same state, as an object
    live.mechanics = { ...live.mechanics, moderation: { strikes: [], recent: [first], mutedUntil: null } };
    await kit.wait('10s');
    await kit.event('message.received', 'm', { text: 'two' });
    expect(kit.texts('m')).toEqual([]);
    await kit.event('message.received', 'm', { text: 'three' });
    expect(kit.texts('m')).toEqual(['Slow down, Max', 'strike no-flood 1 warn']);
    expect((await kit.member('m')).mechanics.moderation).toMatchObject({ strikes: [expect.any(Number)] });
  });

  it('delete: asks the channel to delete the message (links, regex), and counts the strike', async () => {
    const kit = await createTestKit(
      playbook(
        `
- id: no-links
  links: true
  action: delete
- id: privacy
  regex: '1[3-9]\\d{9}'
  action: delete
  message: Phone numbers are removed.
`,
        '{ warn: 1 }',
      ),
      { mechanics: MECHANICS },
    );
    await join(kit, 'm', 'Max');
    await kit.event('message.received', 'm', {
      text: 'see example.com',
      messageId: 'x1',
      group: 'g1',
      channel: 'tg',
    });
    await kit.event('message.received', 'm', {
      text: 'a normal message',
      messageId: 'x2',
      group: 'g1',
      channel: 'tg',
    });
    await kit.event('message.received', 'm', {
      text: 'call 13912345678',
      messageId: 'x3',
      group: 'g1',
      channel: 'tg',
    });
    expect(kit.effects.of('message.delete').map((e) => [e.target, e.data])).toEqual([
      ['tg', { member: 'm', address: 'u-m', group: 'g1', messageId: 'x1', rule: 'no-links' }],
      ['tg', { member: 'm', address: 'u-m', group: 'g1', messageId: 'x3', rule: 'privacy' }],
    ]);
    expect(kit.texts('m')).toEqual([
      'Please keep to the community covenant (no-links). Strikes: 1.',
      'strike no-links 1 warn',
      'Phone numbers are removed.',
      'strike privacy 2 warn',
    ]);
  });

  it('a mute survives a restart: its end is a durable timer, re-armed by recover', async () => {
    const { playbook: pb } = loadPlaybook(playbook(ADS, LADDER));
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const store = new MemoryStore();
    const effects = new MemoryEffects(clock);
    const first = new Runtime({
      store,
      scheduler: new MemoryScheduler(),
      clock,
      effects,
      mechanics: MECHANICS,
    });
    await first.publish('t', pb, { version: '1' });
    await first.ingest({ tenant: 't', id: 'j', type: 'member.joined', member: 'm' });
    for (const id of ['a', 'b']) {
      await first.ingest({ tenant: 't', id, type: 'message.received', member: 'm', data: { text: '代购' } });
    }
    await first.tick();
    expect(Object.keys((await store.loadMember('t', 'm'))!.mechanicTimers)).toEqual([
      'moderation:strikes',
      'moderation:unmute',
    ]);
    // the process dies: its in-memory timers are gone
    const scheduler = new MemoryScheduler();
    const second = new Runtime({ store, scheduler, clock, effects, mechanics: MECHANICS });
    expect(await second.recover('t')).toBe(2);
    await second.runUntil(clock.now() + 3_600_000, clock);
    expect(effects.messages('m').map((m) => m.text)).toContain('unmuted');
    expect((await store.loadMember('t', 'm'))!.mechanicTimers).toEqual({
      'moderation:strikes': { at: Date.parse('2026-01-12T00:00:00Z'), data: null },
    });
  });
});
