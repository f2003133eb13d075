import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateSimulationText } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { resolveSettings, type SimulationReport, simulate } from '../src/index.js';
import { loadPlaybook } from '../src/testing/index.js';

/** A welcome that asks, offers a box and waits for the payment: every number follows from the profile. */
const SHOP = `
kith: 1
id: shop
name: Shop
timezone: UTC
channels:
  tg: { use: telegram }
payments:
  pay: { use: stripe }
offers:
  box: { price: 1000, currency: CNY, payment: pay }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: ask
            send: { via: tg, text: "Want a box?", buttons: [{ text: "Yes", value: "yes" }] }
          - id: answer
            wait: { event: button.clicked, timeout: 1d }
            onTimeout:
              - id: silent
                exit: silent
          - id: pitch
            offer: { offer: box, via: tg }
          - id: paid
            wait: { event: payment.succeeded, timeout: 2d }
            onTimeout:
              - id: unpaid
                exit: unpaid
          - id: won
            goal: purchased
  transact:
    when: member.orders >= 1
    journeys: []
`;

const NOTHING = {
  reply: 0,
  click: 0,
  checkin: 0,
  acceptCovenant: 0,
  purchase: 0,
  invite: 0,
  churn: 0,
  refund: 0,
  violate: 0,
};

async function run(
  yaml: string,
  profile: Record<string, unknown>,
  overrides: { seed?: number } = {},
): Promise<SimulationReport> {
  const { playbook, params } = loadPlaybook(yaml);
  const settings = resolveSettings({ 'kith-simulation': 1, ...profile }, overrides, playbook);
  return (await simulate(playbook, { settings, params })).report;
}

describe('simulate', () => {
  // five members arrive over the first days of twelve (a launch curve): every delay has time to play out
  const base = { members: 5, days: 12, seed: 3, curve: 'launch', start: '2026-03-02T00:00:00Z' };

  it('counts a funnel that follows by hand from probabilities of 1 and 0', async () => {
    const r = await run(SHOP, { ...base, behaviour: { default: { ...NOTHING, click: 1, purchase: 1 } } });
    expect(r.activity).toMatchObject({
      joined: 5,
      invited: 0,
      clicks: 5,
      payments: 5,
      refunds: 0,
      churned: 0,
    });
    expect(r.funnel.members).toBe(5);
    expect(r.funnel.stages).toEqual([
      { stage: 'attract', reached: 5, current: 0, conversion: 1 },
      { stage: 'transact', reached: 5, current: 5, conversion: 1 },
    ]);
    const welcome = r.funnel.journeys.find((j) => j.journey === 'welcome')!;
    expect(welcome).toMatchObject({
      entered: 5,
      completed: 5,
      exited: 0,
      active: 0,
      goals: { purchased: 5 },
    });
    const steps = Object.fromEntries(welcome.steps.map((s) => [s.step, s.completed]));
    expect(steps).toEqual({ ask: 5, answer: 5, silent: 0, pitch: 5, paid: 5, unpaid: 0, won: 5 });
    expect(r.revenue).toEqual([
      {
        currency: 'CNY',
        orders: 5,
        paid: 5,
        refunded: 0,
        gross: 5000,
        refunds: 0,
        net: 5000,
        byOffer: { box: { orders: 5, paid: 5, refunded: 0, gross: 5000, refunds: 0, net: 5000 } },
      },
    ]);
    // the question and the offer: two messages per member, one checkout each
    expect(r.channels[0]).toMatchObject({ channel: 'tg', messages: 10, direct: 10 });
    expect(r.effects).toMatchObject({ 'message.send': 10, 'payment.checkout': 5 });
    expect(r.channels[0]!.perDay.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('takes nothing when nobody clicks, and refunds everything when everybody asks', async () => {
    const silent = await run(SHOP, { ...base, behaviour: { default: { ...NOTHING, purchase: 1 } } });
    const welcome = silent.funnel.journeys.find((j) => j.journey === 'welcome')!;
    expect(welcome).toMatchObject({ entered: 5, completed: 0, exited: 5, exits: { silent: 5 } });
    expect(silent.revenue).toEqual([]);
    expect(silent.funnel.stages[1]).toMatchObject({ stage: 'transact', reached: 0, conversion: 0 });

    const refunded = await run(SHOP, {
      ...base,
      behaviour: { default: { ...NOTHING, click: 1, purchase: 1, refund: 1 } },
    });
    expect(refunded.activity.refunds).toBe(5);
    expect(refunded.revenue[0]).toMatchObject({ paid: 5, refunded: 5, gross: 5000, refunds: 5000, net: 0 });
  });

  it('gives the same bytes for the same seed and a different report for another', async () => {
    const text = readFileSync(join(playbooks, 'mother-baby', 'playbook.yaml'), 'utf8');
    const profile = { ...motherBabyProfile(), members: 300, days: 10 };
    const a = JSON.stringify(await run(text, profile), null, 2);
    const b = JSON.stringify(await run(text, profile), null, 2);
    const c = JSON.stringify(await run(text, profile, { seed: 99 }), null, 2);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    // the template's mechanics ran: rituals, the covenant, the ledger
    const r = JSON.parse(a) as SimulationReport;
    expect(r.activity.checkins).toBeGreaterThan(0);
    expect(r.funnel.goals['covenant-accepted']).toBeGreaterThan(0);
    expect(r.commissions.source).toBe('ledger');
  });

  it('finds every minute a WeCom robot would be flooded', async () => {
    const sends = Array.from(
      { length: 25 },
      (_, i) => `          - { id: s${i}, send: { via: bot, text: "news ${i}" } }`,
    ).join('\n');
    const blast = `
kith: 1
id: blast
name: Blast
timezone: UTC
channels:
  bot: { use: wecom }
stages:
  attract:
    journeys:
      - journey: flood
        on: member.joined
        steps:
${sends}
`;
    const r = await run(blast, { ...base, members: 3, behaviour: { default: NOTHING } });
    const robot = r.channels[0]!.limits.find((l) => l.name === 'robot')!;
    expect(robot).toMatchObject({ scope: 'connection', max: 20, perMs: 60_000, source: 'builtin' });
    // 25 messages in the minute each member joins: every join breaks the limit by five
    expect(robot.violations).toBe(3);
    expect(robot.over).toBe(15);
    expect(robot.moments).toHaveLength(3);
    for (const m of robot.moments) expect(m).toMatchObject({ limit: 'robot', key: null, count: 25, max: 20 });
    expect(r.violations).toMatchObject({ rateLimit: 3, messagesOverLimit: 15 });
  });

  it('counts messages in quiet hours: the default window, none when deferred, critical ones anyway', async () => {
    const hello = (extra: string, critical = false) => `
kith: 1
id: quiet
name: Quiet
timezone: UTC
channels:
  tg: { use: telegram }
${extra}
stages:
  attract:
    journeys:
      - journey: hello
        on: member.joined
        steps:
          - { id: hi, send: { via: tg, text: "Hello", critical: ${critical} } }
`;
    const profile = { ...base, members: 200, days: 3, curve: 'flat', behaviour: { default: NOTHING } };
    const loud = await run(hello(''), profile);
    const q = loud.channels[0]!.quietHours;
    expect(loud.quietHours).toEqual({ start: '22:00', end: '08:00', source: 'default' });
    expect(q.messages).toBeGreaterThan(0);
    expect(q.messages).toBeLessThan(200);
    for (const m of q.moments) {
      const hour = new Date(m.at).getUTCHours();
      expect(hour >= 22 || hour < 8).toBe(true);
      expect(m).toMatchObject({ from: 'hello/hi', critical: false });
    }

    const policy = "delivery:\n  quietHours: { start: '22:00', end: '08:00', mode: defer }";
    const deferred = await run(hello(policy), profile);
    expect(deferred.quietHours.source).toBe('playbook');
    expect(deferred.channels[0]!.quietHours.messages).toBe(0);
    expect(deferred.channels[0]!.messages + deferred.channels[0]!.pendingAtEnd).toBe(200);

    const critical = await run(hello(policy, true), profile);
    const cq = critical.channels[0]!.quietHours;
    expect(cq.messages).toBe(q.messages);
    expect(cq.critical).toBe(cq.messages);
  });

  it('holds group messages over the per-group cap in a queue and sends one per free slot', async () => {
    const yaml = `
kith: 1
id: capped
name: Capped
timezone: UTC
channels:
  tg: { use: telegram }
groups:
  mums: { via: tg, capacity: 1000, groups: ['g1'] }
delivery:
  perGroup: { max: 2, per: 1h, mode: defer }
stages:
  attract:
    journeys:
      - journey: greet
        on: member.joined
        steps:
          - { id: g, group: { assign: mums } }
          - { id: hi, send: { via: tg, to: group, text: "hi {{ member.id }}" } }
`;
    const profile = { ...base, members: 200, days: 3, curve: 'flat', behaviour: { default: NOTHING } };
    const r = await run(yaml, profile);
    const tg = r.channels[0]!;
    // 2 an hour for 72 hours at most; the backlog keeps every slot after the first hours busy
    expect(tg.group).toBeLessThanOrEqual(144);
    expect(tg.group).toBeGreaterThan(120);
    expect(tg.group + tg.pendingAtEnd).toBe(200);
    expect(tg.groupCap.deferred).toBeGreaterThanOrEqual(tg.pendingAtEnd);
    expect(tg.groupCap.skipped).toBe(0);
    expect(await run(yaml, profile)).toEqual(r);
  });

  it('lets flags override the profile', async () => {
    const { playbook } = loadPlaybook(SHOP);
    const s = resolveSettings(
      { 'kith-simulation': 1, members: 50, days: 3, seed: 1 },
      { members: 7, seed: 2 },
      playbook,
    );
    expect(s).toMatchObject({ members: 7, days: 3, seed: 2 });
    expect(() => resolveSettings(undefined, { members: 0 }, playbook)).toThrow(RangeError);
  });
});

const playbooks = join(dirname(fileURLToPath(import.meta.url)), '../../../playbooks');

function motherBabyProfile(): Record<string, unknown> {
  const file = join(playbooks, 'mother-baby', 'simulation.yaml');
  const loaded = validateSimulationText(readFileSync(file, 'utf8'), file);
  return { ...(loaded.value ?? {}) };
}
