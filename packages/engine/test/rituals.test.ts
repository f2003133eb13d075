import { describe, expect, it } from 'vitest';
import {
  MemoryEffects,
  MemoryScheduler,
  MemoryStore,
  type MessageData,
  Runtime,
  VirtualClock,
} from '../src/index.js';
import { rituals } from '../src/mechanics/rituals/index.js';
import { createTestKit, loadPlaybook } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const MECHANICS = [rituals];

/** A journey that writes each event of a type back to the member as a message. */
function echo(event: string, text: string): string {
  return `
- journey: on-${event.replaceAll('.', '-')}
  on: ${event}
  reentry: always
  steps:
    - { id: say, send: { via: tg, text: "${text}" } }`;
}

describe('rituals: schedule', () => {
  it('runs on its own time zone across a DST change, announcing to each member', async () => {
    // the playbook is on Shanghai time; the ritual on Berlin's, which moves to summer time on 29 March
    const pb = withJourneys(
      echo('ritual.started', 'started {{ event.ritual }} #{{ event.occurrence }}'),
      `rituals:
  run:
    name: Morning run
    schedule: "0 9 * * *"
    timezone: Europe/Berlin
    via: tg
    announce: "{{ ritual.name }} #{{ ritual.occurrence }}, {{ member.name }}"
`,
    );
    const kit = await createTestKit(pb, { mechanics: MECHANICS, start: '2026-03-27T00:00:00Z' });
    await kit.event('member.joined', 'ann', { name: 'Ann' });
    await kit.until('2026-03-31T12:00:00Z');
    const announced = kit.effects
      .messages('ann')
      .filter((m) => m.text.startsWith('Morning'))
      .map((m) => [m.text, new Date(m.at).toISOString()]);
    expect(announced).toEqual([
      ['Morning run #1, Ann', '2026-03-27T08:00:00.000Z'],
      ['Morning run #2, Ann', '2026-03-28T08:00:00.000Z'],
      ['Morning run #3, Ann', '2026-03-29T07:00:00.000Z'],
      ['Morning run #4, Ann', '2026-03-30T07:00:00.000Z'],
      ['Morning run #5, Ann', '2026-03-31T07:00:00.000Z'],
    ]);
    expect(kit.texts('ann').filter((t) => t.startsWith('started'))).toEqual([
      'started run #1',
      'started run #2',
      'started run #3',
      'started run #4',
      'started run #5',
    ]);
  });

  it('announces once in every group of its pool, with a check-in button', async () => {
    const pb = withJourneys(
      `
- journey: join
  on: member.joined
  steps:
    - { id: g, group: { assign: readers } }
${echo('checkin.recorded', 'checked in via {{ event.via }}')}`,
      `groups:
  readers: { via: tg, capacity: 2, shard: balance, groups: ['g1', 'g2', 'g3'] }
rituals:
  reading:
    name: Reading club
    schedule: "0 20 * * 5"
    via: tg
    group: readers
    announce: "{{ ritual.name }}, week {{ ritual.occurrence }}"
    checkin: { button: Done, window: 2h }
`,
    );
    const kit = await createTestKit(pb, { mechanics: MECHANICS });
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id);
    await kit.until('2026-01-09T12:00:00Z'); // Friday 20:00 in Shanghai
    const sent = kit.effects.messages().filter((m) => m.member === null);
    // g3 is configured (it exists on the channel) though nobody was placed in it yet
    expect(sent.map((m) => [m.to, m.text])).toEqual([
      [{ kind: 'group', member: '', pool: 'readers', group: 'g1' }, 'Reading club, week 1'],
      [{ kind: 'group', member: '', pool: 'readers', group: 'g2' }, 'Reading club, week 1'],
      [{ kind: 'group', member: '', pool: 'readers', group: 'g3' }, 'Reading club, week 1'],
    ]);
    expect(sent[0]?.buttons).toEqual([{ text: 'Done', value: 'checkin:reading', url: null }]);
    // no one gets it directly as well
    expect(kit.effects.messages('a').some((m) => m.text.startsWith('Reading'))).toBe(false);
    await kit.event('button.clicked', 'a', { value: 'checkin:reading' });
    expect(kit.texts('a')).toEqual(['checked in via button']);
    await kit.until('2026-01-16T12:00:00Z');
    expect(
      kit.effects
        .messages()
        .filter((m) => m.member === null)
        .map((m) => m.text),
    ).toContain('Reading club, week 2');
  });

  it('survives a restart: the schedule is re-armed and its occurrences keep counting', async () => {
    const pb = withJourneys(
      echo('member.joined', 'hi'),
      `rituals:
  club:
    name: Club
    schedule: "0 20 * * 5"
    via: tg
    announce: "Club #{{ ritual.occurrence }}"
`,
    );
    const { playbook } = loadPlaybook(pb);
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
    await first.publish('t', playbook, { version: '1' });
    await first.ingest({ tenant: 't', id: 'j', type: 'member.joined', member: 'm' });
    await first.runUntil(Date.parse('2026-01-10T00:00:00Z'), clock);
    // the process dies with its timers; a new one starts over the same store
    const second = new Runtime({
      store,
      scheduler: new MemoryScheduler(),
      clock,
      effects,
      mechanics: MECHANICS,
    });
    await second.recover('t');
    await second.runUntil(Date.parse('2026-01-17T00:00:00Z'), clock);
    const texts = effects.messages('m').map((m) => [(m as MessageData).text, new Date(m.at).toISOString()]);
    expect(texts).toEqual([
      ['hi', '2026-01-05T00:00:00.000Z'],
      ['Club #1', '2026-01-09T12:00:00.000Z'],
      ['Club #2', '2026-01-16T12:00:00.000Z'],
    ]);
  });
});

const DAILY_RITUAL = `rituals:
  exercise:
    name: Daily exercise
    schedule: "0 20 * * *"
    via: tg
    group: movers
    checkin: { keyword: 打卡, window: 2h, points: 5 }
    streak:
      grace: 1
      rewards:
        - { days: 7, points: 50, badge: week-warrior, tag: regular }
groups:
  movers: { via: tg, capacity: 50, groups: ['g'] }
`;

const DAILY = withJourneys(
  [echo('streak.reached', 'reached {{ event.days }}'), echo('streak.broken', 'broken {{ event.days }}')].join(
    '\n',
  ),
  DAILY_RITUAL,
);

/** 20:30 in Shanghai on the k-th day of the run (occurrence k starts at 20:00). */
function evening(k: number, minute = 30): string {
  return new Date(Date.UTC(2026, 0, 4 + k, 12, minute)).toISOString();
}

describe('rituals: check-ins and streaks', () => {
  it('keeps a streak of 7 through one forgiven miss, rewards it once, and breaks it after two', async () => {
    const kit = await createTestKit(DAILY, { mechanics: MECHANICS });
    await kit.event('member.joined', 'm');
    const attend = async (days: number[]) => {
      for (const k of days)
        await kit.event('message.received', 'm', { text: `今天打卡 ${k}` }, { at: evening(k) });
    };
    await attend([1, 2, 3]); // day 4 missed: within grace
    await attend([5]);
    expect((await kit.member('m')).profile.streaks).toEqual({ exercise: 4 });
    await attend([6, 7, 8]);
    let m = await kit.member('m');
    expect(m.profile.streaks).toEqual({ exercise: 7 });
    expect(m.profile.badges).toEqual(['week-warrior']);
    expect(m.profile.tags).toEqual(['regular']);
    expect(m.profile.points).toBe(7 * 5 + 50);
    expect(kit.texts('m')).toEqual(['reached 7']);
    await attend([9]); // then days 10 and 11 are missed: more than grace
    await kit.until(evening(12, 10));
    expect(kit.texts('m')).toEqual(['reached 7', 'broken 8']);
    expect((await kit.member('m')).profile.streaks).toEqual({ exercise: 0 });
    await attend([12, 13, 14, 15, 16, 17, 18]);
    m = await kit.member('m');
    // the milestone is reached again and said so, but its reward was given once
    expect(kit.texts('m')).toEqual(['reached 7', 'broken 8', 'reached 7']);
    expect(m.profile.streaks).toEqual({ exercise: 7 });
    expect(m.profile.checkins).toBe(15);
    expect(m.profile.points).toBe(15 * 5 + 50);
    expect(m.profile.badges).toEqual(['week-warrior']);
  });

  it('counts one check-in per occurrence, by keyword within the window or by button', async () => {
    const kit = await createTestKit(
      withJourneys(
        echo('checkin.recorded', '#{{ event.occurrence }} via {{ event.via }}, streak {{ event.streak }}'),
        DAILY_RITUAL,
      ),
      { mechanics: MECHANICS },
    );
    await kit.event('member.joined', 'm');
    await kit.event('message.received', 'm', { text: '打卡' }, { at: evening(1, 0) }); // at the start: counts
    await kit.event('message.received', 'm', { text: '再打卡' }, { at: evening(1, 40) }); // twice: ignored
    await kit.event('button.clicked', 'm', { value: 'checkin:exercise' }, { at: evening(1, 50) });
    await kit.event('message.received', 'm', { text: '打卡' }, { at: evening(2, 120) }); // window closed
    await kit.event('button.clicked', 'm', { value: 'checkin:exercise' }, { at: evening(3, 10) });
    await kit.event('message.received', 'm', { text: 'no keyword' }, { at: evening(4, 10) });
    expect(kit.texts('m')).toEqual(['#1 via keyword, streak 1', '#3 via button, streak 2']);
    expect((await kit.member('m')).profile.checkins).toBe(2);
  });

  it('members who stand alike share one frozen state, and a check-in gives the member its own', async () => {
    const kit = await createTestKit(DAILY, { mechanics: MECHANICS });
    for (const id of ['a', 'b', 'c']) await kit.event('member.joined', id);
    await kit.until(evening(1, 10));
    const state = async (id: string) => (await kit.member(id)).mechanics.rituals;
    expect(await state('a')).toBe(await state('b'));
    expect(Object.isFrozen(await state('a'))).toBe(true);
    await kit.event('message.received', 'c', { text: '打卡' }, { at: evening(1, 20) });
    expect(await state('c')).not.toBe(await state('a'));
    expect(await state('c')).toEqual({
      exercise: {
        open: ((await state('a')) as { exercise: { open: unknown } }).exercise.open,
        last: 1,
        streak: 1,
        rewarded: [],
      },
    });
    // the next occurrence's check-in still counts, from the shared state as from its own
    await kit.event('message.received', 'a', { text: '打卡' }, { at: evening(2) });
    await kit.event('message.received', 'c', { text: '打卡' }, { at: evening(2) });
    expect((await kit.member('a')).profile.streaks).toEqual({ exercise: 1 });
    expect((await kit.member('c')).profile.streaks).toEqual({ exercise: 2 });
  });
});
