import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';

const HEAD = `
kith: 1
id: steps
name: Steps
timezone: Asia/Shanghai
params:
  brand: { type: string, default: Little Stars }
channels:
  tg: { use: telegram }
  crm: { use: webhook }
payments:
  pay: { use: stripe }
`;

function playbook(steps: string, extra = '', on = 'member.joined'): string {
  return `${HEAD}${extra}
stages:
  attract:
    journeys:
      - journey: j
        on: ${on}
        steps:
${steps
  .trim()
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}
`;
}

describe('send', () => {
  it('renders Liquid with member, params and event in scope', async () => {
    const kit = await createTestKit(
      playbook(`
- id: hi
  send: { via: tg, text: "Hi {{ member.name }}, welcome to {{ params.brand }} from {{ event.entry }} {{ member.tags | size }}" }
`),
    );
    await kit.event('member.joined', 'ann', { name: 'Ann', entry: 'poster', channel: 'tg', address: '42' });
    const [m] = kit.effects.messages('ann');
    expect(m?.text).toBe('Hi Ann, welcome to Little Stars from poster 0');
    expect(m?.to).toEqual({ kind: 'member', member: 'ann', address: '42' });
  });

  it('renders buttons and keeps the effect key stable per (tenant, instance, step, slot)', async () => {
    const kit = await createTestKit(
      playbook(`
- id: ask
  send: { via: tg, text: "Pick", buttons: [{ text: "Yes {{ member.name }}", value: "y" }] }
`),
    );
    await kit.event('member.joined', 'bo', { name: 'Bo' });
    const [e] = kit.effects.of('message.send');
    expect(e?.key).toBe('test/bo:j:1/ask/0');
    expect((e!.data as { buttons: unknown[] }).buttons).toEqual([{ text: 'Yes Bo', value: 'y', url: null }]);
  });
});

describe('wait', () => {
  it('waits a duration', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: a, send: { via: tg, text: a } }\n- { id: w, wait: 2h }\n- { id: b, send: { via: tg, text: b } }`,
      ),
    );
    await kit.event('member.joined', 'm');
    await kit.wait('1h59m');
    expect(kit.texts()).toEqual(['a']);
    await kit.wait('1m');
    expect(kit.texts()).toEqual(['a', 'b']);
  });

  it('waits until a time of day in the member’s zone', async () => {
    const kit = await createTestKit(
      playbook(`- { id: w, wait: { until: '09:00' } }\n- { id: b, send: { via: tg, text: b } }`),
      {
        start: '2026-01-05T12:00:00Z',
      },
    );
    await kit.event('member.joined', 'm', { timezone: 'Europe/Berlin' });
    await kit.until('2026-01-06T07:59:00Z');
    expect(kit.texts()).toEqual([]);
    await kit.until('2026-01-06T08:00:00Z');
    expect(kit.texts()).toEqual(['b']);
    expect(kit.effects.messages()[0]?.at).toBe(Date.parse('2026-01-06T08:00:00Z'));
  });

  it('waits until an ISO date-time, and not at all when it has passed', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: w, wait: { until: '2026-02-01T20:00:00+08:00' } }\n- { id: b, send: { via: tg, text: b } }`,
      ),
    );
    await kit.event('member.joined', 'm');
    await kit.until('2026-02-01T11:59:59Z');
    expect(kit.texts()).toEqual([]);
    await kit.until('2026-02-01T12:00:00Z');
    expect(kit.texts()).toEqual(['b']);
    await kit.event('member.joined', 'late');
    expect(kit.texts('late')).toEqual(['b']);
  });

  it('waits for an event with a filter, or times out into onTimeout and rejoins', async () => {
    const kit = await createTestKit(
      playbook(`
- id: ask
  wait: { event: button.clicked, filter: "event.value == 'yes'", timeout: 1d }
  onTimeout:
    - { id: late, send: { via: tg, text: "no answer" } }
- { id: after, send: { via: tg, text: "after {{ event.value }}" } }
`),
    );
    await kit.event('member.joined', 'yes');
    await kit.event('member.joined', 'quiet');
    await kit.event('button.clicked', 'yes', { value: 'no' });
    expect(kit.texts('yes')).toEqual([]);
    await kit.event('button.clicked', 'yes', { value: 'yes' });
    expect(kit.texts('yes')).toEqual(['after yes']);
    await kit.wait('1d');
    expect(kit.texts('quiet')).toEqual(['no answer', 'after ']);
    expect(kit.scheduler.pending()).toEqual([]);
  });
});

describe('branches', () => {
  it('if/then/else on the member', async () => {
    const kit = await createTestKit(
      playbook(`
- id: check
  if: "'vip' in member.tags"
  then: [{ id: v, send: { via: tg, text: vip } }]
  else: [{ id: n, send: { via: tg, text: normal } }]
- { id: end, send: { via: tg, text: end } }
`),
    );
    await kit.event('member.joined', 'a', { tags: ['vip'] });
    await kit.event('member.joined', 'b');
    expect(kit.texts('a')).toEqual(['vip', 'end']);
    expect(kit.texts('b')).toEqual(['normal', 'end']);
  });

  it('split is stable per member and follows the weights', async () => {
    const kit = await createTestKit(
      playbook(
        `
- id: ab
  split:
    - { variant: a, weight: 80, steps: [{ id: sa, send: { via: tg, text: A } }] }
    - { variant: b, weight: 20, steps: [{ id: sb, send: { via: tg, text: B } }] }
`,
        '',
        '{ event: member.joined }\n        reentry: always\n        entryKey: event.n',
      ),
    );
    for (let i = 0; i < 1000; i++) await kit.event('member.joined', `m${i}`, { n: 1 });
    const a = kit.texts().filter((t) => t === 'A').length;
    expect(a).toBeGreaterThan(740);
    expect(a).toBeLessThan(860);
    // the same member lands in the same variant every time
    for (let i = 0; i < 20; i++) await kit.event('member.joined', `m${i}`, { n: 2 });
    for (let i = 0; i < 20; i++) {
      const texts = kit.texts(`m${i}`);
      expect(texts[0]).toBe(texts[1]);
    }
  });
});

describe('profile steps', () => {
  it('set, tag, score and tier change the member', async () => {
    const kit = await createTestKit(
      playbook(
        `
- { id: s, set: { plan: "'premium'", seen: "event.n * 2" } }
- { id: t, tag: { add: [vip, new], remove: [trial] } }
- { id: t2, tag: regular }
- { id: p, score: { points: 15, reason: joined } }
- { id: p2, score: -5 }
- { id: r, tier: kol }
`,
        `tiers:\n  member: {}\n  kol: { keepWhen: "member.points > 1000" }\n`,
      ),
    );
    await kit.event('member.joined', 'm', { n: 21, tags: ['trial'] });
    const m = await kit.member('m');
    expect(m.profile.attributes).toEqual({ plan: 'premium', seen: 42 });
    expect(m.profile.tags).toEqual(['vip', 'new', 'regular']);
    expect(m.profile.points).toBe(10);
    // a tier set by a step stays although its keepWhen fails
    expect(m.profile.tier).toBe('kol');
    await kit.event('message.received', 'm');
    expect((await kit.member('m')).profile.tier).toBe('kol');
  });
});

describe('commerce steps', () => {
  const offers = `tiers:
  member: {}
  kol: { when: "member.referrals >= 2" }
offers:
  box: { name: "{{ params.brand }} box", price: 19900, currency: CNY, tierPrice: { kol: 15900 } }
`;

  it('offer creates an order at the tier price, a checkout effect and a message', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: o, offer: { offer: box, via: tg, text: "{{ offer.name }} {{ price | money: offer.currency }} {{ checkout.url }}" } }`,
        offers,
        'message.received',
      ),
    );
    await kit.event('member.joined', 'kol');
    await kit.event('member.joined', 'a', { referrer: 'kol' });
    await kit.event('member.joined', 'b', { referrer: 'kol' });
    expect((await kit.member('kol')).profile.tier).toBe('kol');
    await kit.event('message.received', 'kol');
    await kit.event('message.received', 'a');
    const checkouts = kit.effects
      .of('payment.checkout')
      .map((e) => e.data as { amount: number; orderId: string });
    expect(checkouts.map((c) => c.amount)).toEqual([15900, 19900]);
    expect(kit.effects.of('payment.checkout')[0]?.target).toBe('pay');
    expect(kit.texts('kol')[0]).toMatch(/^Little Stars box ¥159\.00 https:\/\/kith\.invalid\/pay\/test\//);
    const order = (await kit.member('kol')).orders[checkouts[0]!.orderId];
    expect(order).toMatchObject({ amount: 15900, currency: 'CNY', status: 'pending', tier: 'kol' });
    expect(Number.isInteger(order?.amount)).toBe(true);
  });

  it('charge creates the order and checkout without a message; payment updates spent and orders', async () => {
    const kit = await createTestKit(playbook(`- { id: c, charge: { offer: box } }`, offers));
    await kit.event('member.joined', 'm');
    expect(kit.texts()).toEqual([]);
    const [c] = kit.effects.of('payment.checkout');
    const orderId = (c!.data as { orderId: string }).orderId;
    await kit.event('payment.succeeded', 'm', { orderId, offer: 'box' });
    await kit.event('payment.succeeded', 'm', { orderId, offer: 'box' }); // the provider's retry, another id
    const m = await kit.member('m');
    expect(m.profile.spent).toBe(19900);
    expect(m.profile.orders).toBe(1);
    expect(m.orders[orderId]?.status).toBe('paid');
  });
});

describe('plugin and flow steps', () => {
  it('call renders its inputs into a plugin.call effect', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: c, call: { plugin: crm, action: createTicket, with: { title: "Call {{ member.name }}", n: 3, tags: ["{{ member.id }}"] } } }`,
      ),
    );
    await kit.event('member.joined', 'm', { name: 'Mo' });
    const [e] = kit.effects.of('plugin.call');
    expect(e?.target).toBe('crm');
    expect(e?.data).toEqual({ action: 'createTicket', input: { title: 'Call Mo', n: 3, tags: ['m'] } });
  });

  it('emit starts another journey of the member', async () => {
    const kit = await createTestKit(`${HEAD}
stages:
  attract:
    journeys:
      - journey: a
        on: member.joined
        steps:
          - { id: e, emit: { event: lead.qualified, data: { score: "{{ member.name }}" } } }
      - journey: b
        on: { event: lead.qualified, filter: "event.score == 'Zed'" }
        steps:
          - { id: s, send: { via: tg, text: "qualified {{ event.score }}" } }
`);
    await kit.event('member.joined', 'z', { name: 'Zed' });
    await kit.event('member.joined', 'y', { name: 'Yan' });
    expect(kit.texts()).toEqual(['qualified Zed']);
  });

  it('goal records the goal and ends the journey; exit ends it with a reason', async () => {
    const kit = await createTestKit(
      playbook(`
- id: which
  if: "event.n == 1"
  then: [{ id: won, goal: converted }]
  else: [{ id: out, exit: not-interested }]
`),
    );
    await kit.event('member.joined', 'a', { n: 1 });
    await kit.event('member.joined', 'b', { n: 2 });
    expect(kit.texts()).toEqual([]);
    expect((await kit.member('a')).profile.goals).toEqual(['converted']);
    expect(kit.finished('a')[0]).toMatchObject({ status: 'completed', goal: 'converted' });
    expect(kit.finished('b')[0]).toMatchObject({ status: 'exited', reason: 'not-interested' });
  });
});

describe('group and introduce', () => {
  it('group assigns the member and asks the channel to add it', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: g, group: { assign: mums } }\n- { id: hi, send: { via: tg, to: group, text: "Welcome {{ member.name }}" } }`,
        `groups:\n  mums: { via: tg, capacity: 3, groups: ['-100'] }\n`,
      ),
    );
    await kit.event('member.joined', 'a', { name: 'A' });
    expect((await kit.member('a')).profile.groups).toEqual({ mums: '-100' });
    expect(kit.effects.of('group.add')[0]?.data).toMatchObject({ pool: 'mums', group: '-100', member: 'a' });
    expect(kit.effects.messages('a')[0]?.to).toEqual({
      kind: 'group',
      member: 'a',
      pool: 'mums',
      group: '-100',
    });
  });

  it('a group message before the member has a group, or to a missing referrer, is skipped', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: hi, send: { via: tg, to: group, text: "hi group" } }\n- { id: ref, send: { via: tg, to: referrer, text: "hi ref" } }\n- { id: me, send: { via: tg, text: "hi me" } }`,
        `groups:\n  mums: { via: tg, capacity: 3 }\n`,
      ),
    );
    await kit.event('member.joined', 'a');
    expect(kit.texts()).toEqual(['hi me']);
    const log = (await kit.member('a')).instances;
    expect(log).toEqual([]);
    expect(kit.finished('a')[0]?.log.map((r) => r.output)).toEqual([
      { status: 'skipped', at: null, reason: 'no-group' },
      { status: 'skipped', at: null, reason: 'no-referrer' },
      { status: 'sent', at: null, reason: null },
    ]);
  });

  it('introduce pairs members sharing every attribute, never twice', async () => {
    const kit = await createTestKit(
      playbook(
        `- { id: meet, introduce: { by: [city, kid], count: 2, via: tg, text: "Meet {{ peer.name }} from {{ peer.attributes.city }}" } }`,
        '',
        '{ event: intro.please }\n        reentry: always\n        entryKey: event.n',
      ),
    );
    await kit.event('member.joined', 'a', { name: 'A', attributes: { city: 'HZ', kid: 1 } });
    await kit.event('member.joined', 'b', { name: 'B', attributes: { city: 'HZ', kid: 1 } });
    await kit.event('member.joined', 'c', { name: 'C', attributes: { city: 'SH', kid: 1 } });
    await kit.event('member.joined', 'd', { name: 'D', attributes: { city: 'HZ', kid: 1 } });
    await kit.event('intro.please', 'a', { n: 1 });
    expect(kit.texts('a')).toEqual(['Meet B from HZ', 'Meet D from HZ']);
    await kit.event('intro.please', 'a', { n: 2 });
    expect(kit.texts('a')).toHaveLength(2);
    await kit.event('intro.please', 'b', { n: 1 });
    // b was told when a met it; its own request finds only d (a and b are a pair already)
    expect(kit.texts('b')).toEqual(['Meet A from HZ', 'Meet D from HZ']);
  });
});
