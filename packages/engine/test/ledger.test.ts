import { describe, expect, it } from 'vitest';
import {
  checkLedger,
  Ledger,
  ledgerReport,
  type MemberCommit,
  MemoryEffects,
  MemoryScheduler,
  MemoryStore,
  MONEY_MECHANICS,
  Runtime,
  VirtualClock,
} from '../src/index.js';
import { loadPlaybook } from '../src/testing/index.js';
import { moneyKit, moneyPlaybook } from './ledger-fixtures.js';

const REFERRALS = `referrals:
  commissions:
    levels: [{ rate: "10%" }, { rate: "5%" }]
    hold: 14d`;

const PB = moneyPlaybook({
  offers: `  box: { price: 10000, currency: CNY, tierPrice: { vip: 8000 } }`,
  referrals: REFERRALS,
  tell: {
    'order.cancelled': 'cancelled {{ event.reason }}',
    'commission.earned': 'earned {{ event.amount }} L{{ event.level }}',
    'commission.reversed': 'reversed {{ event.amount }} clawback={{ event.clawback }}',
    'commission.payable': 'payable {{ event.amount }}',
    'commission.paid': 'paid {{ event.amount }} offset {{ event.offset }}',
  },
  journeys: `      - journey: demote
        on: demote
        steps:
          - { id: t, tier: member }
      - journey: promote
        on: promote
        steps:
          - { id: t, tier: vip }`,
});

/** a ← b ← c: c was referred by b, b by a. */
async function chain(kit: Awaited<ReturnType<typeof moneyKit>>) {
  await kit.event('member.joined', 'a');
  await kit.event('member.joined', 'b', { referrer: 'a' });
  await kit.event('member.joined', 'c', { referrer: 'b' });
}

function texts(kit: Awaited<ReturnType<typeof moneyKit>>, member: string, prefix: string): string[] {
  return kit.texts(member).filter((t) => t.startsWith(prefix));
}

describe('payments', () => {
  it('the same notification 5×, concurrently, records one payment', async () => {
    const kit = await moneyKit(PB);
    await chain(kit);
    const o = await kit.buy('c', 'box');
    const notice = { orderId: o, paymentId: 'pi_1', amount: 10000, currency: 'CNY', provider: 'stripe' };
    const statuses = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        kit.runtime.ingest({
          tenant: kit.tenant,
          id: `wh_${i}`,
          type: 'payment.succeeded',
          member: 'c',
          data: notice,
        }),
      ),
    );
    expect(statuses).toEqual(['processed', 'processed', 'processed', 'processed', 'processed']);
    // and the very same event 5× more
    for (let i = 0; i < 5; i++) await kit.event('payment.succeeded', 'c', notice, { id: 'wh_0' });
    await kit.runtime.tick();
    const order = await kit.ledger.order(o);
    expect(order?.payments.map((p) => [p.id, p.amount, p.state])).toEqual([['pi_1', 10000, 'captured']]);
    expect(order?.journal.map((e) => e.id)).toEqual(['pay:pi_1']);
    expect((await kit.member('c')).profile).toMatchObject({ spent: 10000, orders: 1 });
    expect((await kit.ledger.account('b'))?.entries.map((e) => e.amount)).toEqual([1000]);
    expect(texts(kit, 'b', 'earned')).toEqual(['earned 1000 L1']);
    expect(texts(kit, 'a', 'earned')).toEqual(['earned 500 L2']);
    expect(kit.effects.of('payment.refund')).toEqual([]);
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('… also when two workers sharing one store take the notices at the same time', async () => {
    const { playbook, params } = loadPlaybook(PB);
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const store = new MemoryStore({ isolate: true });
    const scheduler = new MemoryScheduler();
    const effects = new MemoryEffects(clock);
    const workers = [0, 1].map(
      () => new Runtime({ store, scheduler, clock, effects, mechanics: MONEY_MECHANICS }),
    );
    for (const w of workers) await w.publish('t', playbook, { version: '1', params });
    const [w0, w1] = workers as [Runtime, Runtime];
    await w0.ingest({ tenant: 't', id: 'j-a', type: 'member.joined', member: 'a' });
    await w0.ingest({ tenant: 't', id: 'j-c', type: 'member.joined', member: 'c', data: { referrer: 'a' } });
    await w0.ingest({ tenant: 't', id: 'buy', type: 'buy.box', member: 'c', data: { n: 1 } });
    await w0.tick();
    const orderId = (effects.of('payment.checkout')[0]!.data as { orderId: string }).orderId;
    const data = { orderId, paymentId: 'pi_9', amount: 10000, currency: 'CNY' };
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        (i % 2 === 0 ? w0 : w1).ingest({
          tenant: 't',
          id: `n${i}`,
          type: 'payment.succeeded',
          member: 'c',
          data,
        }),
      ),
    );
    const ledger = new Ledger(store, 't');
    expect((await ledger.order(orderId))?.payments).toHaveLength(1);
    expect((await store.loadMember('t', 'c'))?.profile).toMatchObject({ spent: 10000, orders: 1 });
    expect((await ledger.account('a'))?.entries.map((e) => [e.level, e.amount])).toEqual([[1, 1000]]);
    expect(await checkLedger(ledger)).toEqual([]);
  });

  it('a refused payment cancels the order once, even when a worker must run the notice again', async () => {
    const { playbook, params } = loadPlaybook(
      moneyPlaybook({
        offers: `  mug: { price: 5000, currency: CNY, stock: 0 }`,
        tell: { 'order.cancelled': 'cancelled {{ event.reason }}' },
      }),
    );
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const store = new MemoryStore({ isolate: true });
    const scheduler = new MemoryScheduler();
    const effects = new MemoryEffects(clock);
    // worker A is slow to save: B takes a second notice of the same payment meanwhile
    let gate: Promise<void> | null = null;
    let open = () => {};
    const slow = new Proxy(store, {
      get(target, prop) {
        if (prop === 'commitMember')
          return async (c: MemberCommit) => {
            if (gate !== null) await gate;
            return target.commitMember(c);
          };
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const a = new Runtime({ store: slow, scheduler, clock, effects, mechanics: MONEY_MECHANICS });
    const b = new Runtime({ store, scheduler, clock, effects, mechanics: MONEY_MECHANICS });
    for (const w of [a, b]) await w.publish('t', playbook, { version: '1', params });
    await b.ingest({ tenant: 't', id: 'j', type: 'member.joined', member: 'm' });
    await b.ingest({ tenant: 't', id: 'buy', type: 'buy.mug', member: 'm', data: { n: 1 } });
    await b.tick();
    const orderId = (effects.of('payment.checkout')[0]!.data as { orderId: string }).orderId;
    const data = { orderId, paymentId: 'pi_1' };
    gate = new Promise((r) => {
      open = r;
    });
    const first = a.ingest({ tenant: 't', id: 'n1', type: 'payment.succeeded', member: 'm', data });
    await new Promise((r) => setTimeout(r, 10));
    await b.ingest({ tenant: 't', id: 'n2', type: 'payment.succeeded', member: 'm', data });
    gate = null;
    open();
    await first; // A's commit conflicts: it runs the notice again and gets the same answer
    await a.tick();
    await b.tick();
    const m = await store.loadMember('t', 'm');
    expect(m?.orders[orderId]?.status).toBe('cancelled');
    expect(m?.profile).toMatchObject({ spent: 0, orders: 0 });
    expect(effects.messages('m').map((x) => x.text)).toEqual(['5000', 'cancelled sold-out']);
    expect(effects.of('payment.refund').map((e) => e.data.reason)).toEqual(['sold-out']);
  });

  it('records a payment after the journey stopped waiting: the order stayed payable', async () => {
    const kit = await moneyKit(
      moneyPlaybook({
        offers: `  box: { price: 10000, currency: CNY }`,
        journeys: `      - journey: checkout
        on: member.joined
        steps:
          - { id: o, offer: { offer: box, via: tg } }
          - id: paid
            wait: { event: payment.succeeded, timeout: 1d }
            onTimeout:
              - { id: gone, exit: not-paid }
          - { id: thanks, send: { via: tg, text: thanks } }`,
      }),
    );
    await kit.event('member.joined', 'm');
    const o = kit.data<{ orderId: string }>('payment.checkout')[0]!.orderId;
    await kit.event('payment.failed', 'm', { orderId: o, paymentId: 'pf', reason: 'card_declined' });
    await kit.event('payment.failed', 'm', { orderId: o, paymentId: 'pf', reason: 'card_declined' });
    await kit.wait('2d');
    await kit.pay('m', o, 'p-late');
    const order = await kit.ledger.order(o);
    expect(order?.failures.map((f) => [f.id, f.reason])).toEqual([['pf', 'card_declined']]);
    expect(order).toMatchObject({ status: 'paid', paidAt: kit.clock.now() });
    expect((await kit.member('m')).profile).toMatchObject({ spent: 10000, orders: 1 });
    expect(kit.texts('m')).not.toContain('thanks');
  });

  it('gives journeys `event.offer` when the plugin reports only the order', async () => {
    const kit = await moneyKit(
      moneyPlaybook({
        offers: `  box: { price: 10000, currency: CNY }`,
        journeys: `      - journey: receipt
        on: { event: payment.succeeded, filter: "event.offer == 'box'" }
        steps:
          - { id: r, send: { via: tg, text: "receipt {{ event.offer }} {{ event.currency }}" } }`,
      }),
    );
    await kit.event('member.joined', 'm');
    await kit.pay('m', await kit.buy('m', 'box'));
    expect(kit.texts('m')).toContain('receipt box CNY');
  });

  it('a second charge for a paid order is refunded without touching the order', async () => {
    const kit = await moneyKit(PB);
    await chain(kit);
    const o = await kit.buy('c', 'box');
    await kit.pay('c', o, 'p1');
    await kit.pay('c', o, 'p2');
    const [back] = kit.data<{ paymentId: string; refundId: string; reason: string; amount: number }>(
      'payment.refund',
    );
    expect(back).toMatchObject({ paymentId: 'p2', reason: 'duplicate-charge', amount: 10000 });
    await kit.refund('c', o, back!.refundId, 10000, { paymentId: 'p2' });
    const order = await kit.ledger.order(o);
    expect(order?.status).toBe('paid');
    expect(order?.refunds.map((r) => [r.payment, r.amount])).toEqual([['p2', 10000]]);
    expect((await kit.member('c')).profile).toMatchObject({ spent: 10000, orders: 1 });
    expect((await kit.member('c')).orders[o]?.status).toBe('paid');
    expect(texts(kit, 'b', 'reversed')).toEqual([]);
    expect(texts(kit, 'c', 'cancelled')).toEqual([]);
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('applies the tier price at order time: a later tier change does not change the amount', async () => {
    const kit = await moneyKit(PB);
    await chain(kit);
    await kit.event('promote', 'c');
    const o = await kit.buy('c', 'box');
    await kit.event('demote', 'c');
    expect((await kit.member('c')).profile.tier).toBe('member');
    await kit.pay('c', o);
    const order = await kit.ledger.order(o);
    expect(order).toMatchObject({ amount: 8000, tier: 'vip', commissionBase: 8000 });
    expect(order?.payments[0]?.amount).toBe(8000);
    expect((await kit.member('c')).profile.spent).toBe(8000);
    expect(texts(kit, 'b', 'earned')).toEqual(['earned 800 L1']);
    const report = await ledgerReport(kit.ledger);
    expect(report.currencies.CNY?.byTier).toEqual({
      vip: { orders: 1, revenue: 8000, refunds: 0, net: 8000, commissions: 1200 },
    });
  });
});

describe('refunds and commissions', () => {
  it('a partial refund reverses the same share of unpaid commissions; the same refund twice counts once', async () => {
    const kit = await moneyKit(PB);
    await chain(kit);
    const o = await kit.buy('c', 'box');
    await kit.pay('c', o);
    await kit.refund('c', o, 're_1', 2500);
    await kit.refund('c', o, 're_1', 2500);
    let order = await kit.ledger.order(o);
    expect(order?.status).toBe('partially-refunded');
    expect((await kit.member('c')).profile).toMatchObject({ spent: 7500, orders: 1 });
    expect((await kit.member('c')).orders[o]).toMatchObject({ status: 'partially-refunded', refunded: 2500 });
    // 1000 keeps 75% (750), 500 keeps 375
    expect(texts(kit, 'b', 'reversed')).toEqual(['reversed 250 clawback=false']);
    expect(texts(kit, 'a', 'reversed')).toEqual(['reversed 125 clawback=false']);
    await kit.refund('c', o, 're_2');
    order = await kit.ledger.order(o);
    expect(order?.status).toBe('refunded');
    expect(order?.refunds.map((r) => r.amount)).toEqual([2500, 7500]);
    expect((await kit.member('c')).profile).toMatchObject({ spent: 0, orders: 0 });
    expect((await kit.ledger.account('b'))?.entries[0]).toMatchObject({
      amount: 1000,
      reversed: 1000,
      status: 'reversed',
    });
    await kit.wait('20d');
    expect(texts(kit, 'b', 'payable')).toEqual([]);
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('after the hold a commission is payable; paid out; a refund then claws it back from the next one', async () => {
    const kit = await moneyKit(PB);
    await chain(kit);
    const o1 = await kit.buy('c', 'box');
    await kit.pay('c', o1);
    await kit.wait('13d');
    expect(texts(kit, 'b', 'payable')).toEqual([]);
    expect((await kit.ledger.account('b'))?.entries[0]?.status).toBe('pending');
    await kit.wait('1d');
    expect(texts(kit, 'b', 'payable')).toEqual(['payable 1000']);
    expect((await kit.ledger.account('b'))?.entries[0]?.status).toBe('payable');

    await kit.event('payout.requested', 'b', { payoutId: 'po_1' });
    await kit.event('payout.requested', 'b', { payoutId: 'po_1' });
    expect(kit.data('commission.payout')).toEqual([
      { payoutId: 'po_1', referrer: 'b', amount: 1000, currency: 'CNY', entries: [`${o1}#1`] },
    ]);
    expect(kit.effects.of('commission.payout')[0]?.target).toBe('pay');
    expect(texts(kit, 'b', 'paid')).toEqual(['paid 1000 offset 0']);

    await kit.refund('c', o1, 're_1');
    expect(texts(kit, 'b', 'reversed')).toEqual(['reversed 1000 clawback=true']);
    let b = await kit.ledger.account('b');
    expect(b?.entries[0]).toMatchObject({ status: 'paid', clawedBack: 1000 });
    expect(b?.debt).toEqual({ CNY: 1000 });
    expect(b?.journal.map((e) => e.kind)).toEqual(['commission', 'payout', 'clawback']);

    // the next commissions make the debt up before anything is paid again
    for (let i = 0; i < 2; i++) await kit.pay('c', await kit.buy('c', 'box'));
    await kit.wait('15d');
    await kit.event('payout.requested', 'b', { payoutId: 'po_2' });
    expect(texts(kit, 'b', 'paid')).toEqual(['paid 1000 offset 0', 'paid 1000 offset 1000']);
    b = await kit.ledger.account('b');
    expect(b?.debt).toEqual({ CNY: 0 });
    const report = await ledgerReport(kit.ledger);
    expect(report.currencies.CNY?.byReferrer.b).toMatchObject({
      orders: 3,
      revenue: 30000,
      refunds: 10000,
      net: 20000,
      commissions: 2000,
      earned: 3000,
      clawedBack: 1000,
      paid: 3000,
      pending: 0,
      payable: 0,
      debt: 0,
    });
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('reports revenue, refunds and commissions per offer, stage, tier and referrer', async () => {
    const kit = await moneyKit(
      moneyPlaybook({
        offers: `  box: { price: 10000, currency: CNY, tierPrice: { vip: 8000 } }
  gift: { price: 3000, currency: CNY, commission: false }`,
        referrals: REFERRALS,
        journeys: `      - journey: promote
        on: promote
        steps:
          - { id: t, tier: vip }`,
      }),
    );
    await chain(kit);
    await kit.event('member.joined', 'd', { referrer: 'a' });
    await kit.event('promote', 'd');
    await kit.pay('c', await kit.buy('c', 'box'));
    await kit.pay('c', await kit.buy('c', 'gift'));
    const od = await kit.buy('d', 'box');
    await kit.pay('d', od);
    await kit.refund('d', od, 'r1', 2000);
    await kit.buy('b', 'box'); // not paid: in no total
    const r = (await ledgerReport(kit.ledger)).currencies.CNY!;
    expect(r.total).toEqual({ orders: 3, revenue: 21000, refunds: 2000, net: 19000, commissions: 2100 });
    expect(r.byOffer).toEqual({
      box: { orders: 2, revenue: 18000, refunds: 2000, net: 16000, commissions: 2100 },
      gift: { orders: 1, revenue: 3000, refunds: 0, net: 3000, commissions: 0 },
      // b's unpaid order is in no row's money
    });
    expect(r.byStage.transact).toEqual(r.total);
    expect(Object.keys(r.byTier).sort()).toEqual(['member', 'vip']);
    expect(r.byReferrer.b).toMatchObject({ orders: 2, revenue: 13000, commissions: 1000 });
    // a: level 2 on c's box (500) and level 1 on d's box (800 → 600 after the 25% refund)
    expect(r.byReferrer.a).toMatchObject({
      orders: 1,
      revenue: 8000,
      refunds: 2000,
      commissions: 1100,
      earned: 1300,
    });
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });
});
