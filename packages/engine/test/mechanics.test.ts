import { describe, expect, it } from 'vitest';
import { CONTINUE, defineMechanic } from '../src/index.js';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

interface LoyaltyPlan {
  every: number;
}
interface LoyaltyState {
  count: number;
  offers: number;
}

/** A toy mechanic exercising every hook the engine offers. */
const loyalty = defineMechanic<LoyaltyPlan, LoyaltyState>({
  name: 'loyalty',
  events: ['message.received'],
  compile: (pb) => (pb.id === 'off' ? undefined : { every: 3 }),
  onEvent(ctx) {
    const count = (ctx.state?.count ?? 0) + 1;
    const state: LoyaltyState = { count, offers: ctx.state?.offers ?? 0 };
    if (count % ctx.plan.every !== 0) return { changes: [{ op: 'state', value: state }] };
    return {
      changes: [
        { op: 'state', value: state },
        { op: 'points', delta: 10, reason: 'loyal' },
      ],
      events: [{ type: 'loyalty.bonus', data: { count } }],
      effects: [{ type: 'loyalty.notify', target: 'tg', data: { count } }],
      timers: [{ name: 'remind', at: ctx.now + 86_400_000, data: { count } }],
      requests: [
        { service: 'loyalty.rank', input: { points: ctx.member.points }, reply: true, name: 'rank' },
      ],
    };
  },
  onStep(ctx, step) {
    if (step.step.kind !== 'offer') return undefined;
    return {
      changes: [
        { op: 'state', value: { count: ctx.state?.count ?? 0, offers: (ctx.state?.offers ?? 0) + 1 } },
      ],
    };
  },
  onTimer(_ctx, name, data) {
    return { events: [{ type: 'loyalty.reminded', data: { name, count: data?.count } }] };
  },
  onReply(_ctx, name, output) {
    return { changes: [{ op: 'set', key: name, value: output.rank }] };
  },
  services: {
    'loyalty.rank': async (req, env) => {
      const n = await env.store.updateShared<number>(req.tenant, 'loyalty', 'ranked', (c) => (c ?? 0) + 1);
      return { rank: n };
    },
  },
  steps: {
    score: (step, run) => {
      run.change({ op: 'points', delta: step.points * 2 });
      return CONTINUE;
    },
  },
});

const PB = withJourneys(
  `
- journey: bonus
  on: loyalty.bonus
  reentry: always
  entryKey: event.count
  steps:
    - { id: hi, send: { via: tg, text: "bonus at {{ event.count }}, {{ member.points }} points" } }
- journey: reminded
  on: loyalty.reminded
  reentry: always
  entryKey: event.count
  steps:
    - { id: hi, send: { via: tg, text: "remember {{ event.count }}" } }
- journey: shop
  on: member.joined
  steps:
    - { id: o, offer: { offer: box, via: tg } }
    - { id: s, score: 5 }
`,
  `offers:\n  box: { price: 100, currency: CNY }\n`,
);

describe('mechanics', () => {
  it('react to events, steps, timers and replies with changes, effects and events; may replace a step kind', async () => {
    const kit = await createTestKit(PB, { mechanics: [loyalty] });
    await kit.event('member.joined', 'm');
    let m = await kit.member('m');
    expect(m.mechanics.loyalty).toEqual({ count: 0, offers: 1 });
    expect(m.profile.points).toBe(10); // score 5, doubled by the override
    for (let i = 0; i < 3; i++) await kit.event('message.received', 'm');
    m = await kit.member('m');
    expect(m.profile.points).toBe(20);
    expect(m.profile.attributes.rank).toBe(1);
    expect(kit.texts('m')).toContain('bonus at 3, 20 points');
    expect(kit.effects.of('loyalty.notify').map((e) => [e.target, e.data])).toEqual([['tg', { count: 3 }]]);
    await kit.wait('1d');
    expect(kit.texts('m')).toContain('remember 3');
  });

  it('onStep sees only the step kinds a mechanic names in stepKinds, every kind without it', async () => {
    const seen: Record<string, string[]> = { all: [], offers: [] };
    const watcher = (name: 'all' | 'offers', kinds?: string[]) =>
      defineMechanic<true, never>({
        name,
        compile: () => true,
        stepKinds: kinds,
        onStep(_ctx, info) {
          seen[name]!.push(info.step.kind);
          return undefined;
        },
      });
    const kit = await createTestKit(PB, {
      mechanics: [loyalty, watcher('all'), watcher('offers', ['offer'])],
    });
    await kit.event('member.joined', 'm');
    expect(seen.all).toEqual(['offer', 'score']);
    expect(seen.offers).toEqual(['offer']);
  });

  it('a mechanic whose compile returns undefined is off for that playbook', async () => {
    const kit = await createTestKit(PB.replace('id: t\n', 'id: off\n'), { mechanics: [loyalty] });
    await kit.event('member.joined', 'm');
    for (let i = 0; i < 3; i++) await kit.event('message.received', 'm');
    const m = await kit.member('m');
    expect(m.mechanics).toEqual({});
    expect(m.profile.points).toBe(5);
  });

  it('schedules community timers (a ritual) that announce to groups and reach every member', async () => {
    const ritual = defineMechanic<{ cron: string }, never>({
      name: 'ritual',
      compile: () => ({ cron: '0 20 * * 5' }),
      schedules: (plan) => [{ name: 'club', cron: plan.cron }],
      onSchedule: (_ctx, name, at) => ({
        effects: [{ type: 'ritual.announce', target: 'tg', data: { name, at } }],
        events: [{ type: 'ritual.started', member: '*', data: { ritual: name } }],
      }),
    });
    const kit = await createTestKit(
      withJourneys(`
- journey: attend
  on: ritual.started
  reentry: always
  steps:
    - { id: hi, send: { via: tg, text: "{{ event.ritual }} starts" } }
`),
      { mechanics: [ritual], start: '2026-01-05T00:00:00Z' },
    );
    await kit.event('member.joined', 'a');
    await kit.event('member.joined', 'b');
    await kit.until('2026-01-16T12:00:00Z'); // two Fridays, 20:00 in Shanghai
    expect(
      kit.effects.of('ritual.announce').map((e) => [e.member, new Date(e.notBefore).toISOString()]),
    ).toEqual([
      [null, '2026-01-09T12:00:00.000Z'],
      [null, '2026-01-16T12:00:00.000Z'],
    ]);
    expect(kit.texts('a')).toEqual(['club starts', 'club starts']);
    expect(kit.texts('b')).toEqual(['club starts', 'club starts']);
  });
});
