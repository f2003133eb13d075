import { describe, expect, it } from 'vitest';
import { analyzeStore, FunnelTally, type Outcome } from '../src/index.js';
import { createTestKit } from '../src/testing/index.js';

/** Live funnel analytics: the same counting the simulator uses, fed from a Runtime's store. */
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
  box: { price: 1500, currency: CNY, payment: pay }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: tg, text: "Hi" }
          - id: pitch
            offer: { offer: box, via: tg }
          - id: paid
            wait: { event: payment.succeeded, timeout: 2d }
            onTimeout:
              - id: unpaid
                exit: unpaid
          - id: won
            goal: purchased
  activate:
    when: member.messages >= 1
    journeys: []
  transact:
    when: member.orders >= 1
    journeys: []
`;

describe('analyzeStore', () => {
  it('counts stages, journeys, steps and revenue from the store and the finished runs', async () => {
    const outcomes: Outcome[] = [];
    const kit = await createTestKit(SHOP, { observer: (_t, _m, out) => outcomes.push(out) });
    for (const m of ['ann', 'bob', 'cid', 'dee']) await kit.event('member.joined', m, { entry: 'poster' });
    await kit.event('message.received', 'ann', { text: 'hi' });
    await kit.event('message.received', 'bob', { text: 'hi' });
    const order = (await kit.member('ann')).orders;
    const orderId = Object.keys(order)[0]!;
    await kit.event('payment.succeeded', 'ann', { orderId, amount: 1500, offer: 'box' });
    await kit.event('payment.refunded', 'ann', { orderId });
    const bobOrder = Object.keys((await kit.member('bob')).orders)[0]!;
    await kit.event('payment.succeeded', 'bob', { orderId: bobOrder, amount: 1500, offer: 'box' });
    await kit.wait('3d'); // cid and dee time out

    const compiled = kit.runtime.kernel(kit.tenant).current;
    const a = await analyzeStore(kit.store, kit.tenant, compiled, {
      mechanics: [],
      finished: kit.store.finished.get(kit.tenant) ?? [],
    });
    expect(a.funnel.members).toBe(4);
    expect(a.funnel.stages.map((s) => [s.stage, s.reached, s.conversion])).toEqual([
      ['attract', 4, 1],
      ['activate', 2, 0.5],
      // ann's refund takes her order count back, but a stage reached stays reached
      ['transact', 2, 1],
    ]);
    const welcome = a.funnel.journeys[0]!;
    expect(welcome).toMatchObject({
      journey: 'welcome',
      entered: 4,
      active: 0,
      completed: 2,
      exited: 2,
      goals: { purchased: 2 },
      exits: { unpaid: 2 },
    });
    expect(welcome.steps.map((s) => [s.step, s.entered, s.completed, s.waiting])).toEqual([
      ['hello', 4, 4, 0],
      ['pitch', 4, 4, 0],
      ['paid', 4, 4, 0],
      ['unpaid', 2, 2, 0],
      ['won', 2, 2, 0],
    ]);
    expect(a.revenue).toEqual([
      {
        currency: 'CNY',
        orders: 4,
        paid: 2,
        refunded: 1,
        gross: 3000,
        refunds: 1500,
        net: 1500,
        byOffer: { box: { orders: 4, paid: 2, refunded: 1, gross: 3000, refunds: 1500, net: 1500 } },
      },
    ]);
    expect(a.commissions).toEqual({ source: 'none', currencies: [] });

    // the Runtime's observer sees the same finished runs the store archives
    const tally = new FunnelTally(compiled);
    for (const out of outcomes) tally.observe(out);
    const viaObserver = await analyzeStore(kit.store, kit.tenant, compiled, { mechanics: [], tally });
    expect(viaObserver.funnel).toEqual(a.funnel);
  });

  it('shows runs in progress as waiting on their step', async () => {
    const kit = await createTestKit(SHOP);
    await kit.event('member.joined', 'ann', {});
    const compiled = kit.runtime.kernel(kit.tenant).current;
    const a = await analyzeStore(kit.store, kit.tenant, compiled, { mechanics: [] });
    const paid = a.funnel.journeys[0]!.steps.find((s) => s.step === 'paid')!;
    expect(paid).toMatchObject({ entered: 1, completed: 0, waiting: 1 });
    expect(a.funnel.journeys[0]).toMatchObject({ entered: 1, active: 1 });
  });
});
