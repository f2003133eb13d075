import { describe, expect, it } from 'vitest';
import { checkLedger, readSales } from '../src/index.js';
import { moneyKit, moneyPlaybook } from './ledger-fixtures.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T00:00:00Z');

const PB = moneyPlaybook({
  offers: `  trip: { price: 30000, currency: CNY, campaign: { kind: group-buy, threshold: 3, deadline: 2d, maxOrders: 4 } }
  cream: { price: 20000, currency: CNY, campaign: { kind: pre-sale, threshold: 2, deadline: "2026-01-08T00:00:00Z" } }
  mug: { price: 5000, currency: CNY, stock: 2 }`,
  tell: {
    'campaign.succeeded': 'ok {{ event.campaign }} {{ event.orderId }}',
    'campaign.failed': 'failed {{ event.campaign }} {{ event.orderId }}',
    'order.cancelled': 'cancelled {{ event.reason }}',
  },
});

interface Return {
  orderId: string;
  paymentId: string;
  refundId: string;
  amount: number;
  reason: string;
}

async function members(kit: Awaited<ReturnType<typeof moneyKit>>, ...ids: string[]) {
  for (const id of ids) await kit.event('member.joined', id);
}

function told(kit: Awaited<ReturnType<typeof moneyKit>>, member: string): string[] {
  return kit.texts(member).filter((t) => /^(ok|failed|cancelled) /.test(t));
}

describe('group buy', () => {
  it('that misses its threshold cancels and refunds every participant exactly once', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a', 'b');
    const oa = await kit.buy('a', 'trip');
    const ob = await kit.buy('b', 'trip');
    await kit.pay('a', oa);
    await kit.pay('b', ob);
    await kit.pay('b', ob, `pay-${ob}`); // the provider notifies again
    expect(kit.effects.of('payment.refund')).toEqual([]);
    expect((await kit.member('a')).profile.spent).toBe(30000);

    await kit.wait('2d');
    const refunds = kit.data<Return>('payment.refund');
    expect(refunds.map((r) => [r.orderId, r.paymentId, r.amount, r.reason])).toEqual([
      [oa, `pay-${oa}`, 30000, 'campaign-failed'],
      [ob, `pay-${ob}`, 30000, 'campaign-failed'],
    ]);
    expect(kit.effects.of('payment.refund').map((e) => e.target)).toEqual(['pay', 'pay']);
    expect(told(kit, 'a')).toEqual([`failed trip#1 ${oa}`]);
    expect(told(kit, 'b')).toEqual([`failed trip#1 ${ob}`]);
    for (const [m, o] of [
      ['a', oa],
      ['b', ob],
    ] as const) {
      const state = await kit.member(m);
      expect(state.orders[o]?.status).toBe('cancelled');
      expect(state.profile).toMatchObject({ spent: 0, orders: 0 });
      expect((await kit.ledger.order(o))?.status).toBe('cancelled');
    }

    // the provider confirms each refund, twice; a new order opens a new round; time goes on
    for (const r of refunds) {
      const m = r.orderId === oa ? 'a' : 'b';
      await kit.refund(m, r.orderId, r.refundId, r.amount, { paymentId: r.paymentId });
      await kit.refund(m, r.orderId, r.refundId, r.amount, { paymentId: r.paymentId });
    }
    await members(kit, 'c');
    await kit.buy('c', 'trip');
    await kit.wait('5d');
    expect(kit.effects.of('payment.refund')).toHaveLength(2);
    expect(kit.store.outboxOf(kit.tenant).filter((e) => e.effect.type === 'payment.refund')).toHaveLength(2);
    expect(told(kit, 'a')).toHaveLength(1);
    expect((await kit.member('a')).profile.spent).toBe(0);
    const a = await kit.ledger.order(oa);
    expect(a?.refunds.map((r) => r.amount)).toEqual([30000]);
    const sales = await readSales(kit.store, kit.tenant, 'trip');
    expect(sales?.rounds.map((r) => [r.id, r.status, r.participants.length])).toEqual([
      ['trip#1', 'failed', 2],
      ['trip#2', 'failed', 0],
    ]);
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('that reaches its threshold one second before the deadline succeeds, and is not refunded', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a', 'b', 'c', 'd');
    const orders: string[] = [];
    for (const m of ['a', 'b', 'c', 'd']) orders.push(await kit.buy(m, 'trip'));
    const [oa, ob, oc, od] = orders as [string, string, string, string];
    await kit.pay('a', oa);
    await kit.pay('b', ob);
    const deadline = T0 + 2 * DAY;
    await kit.event('payment.succeeded', 'c', { orderId: oc, paymentId: 'pc' }, { at: deadline - 1000 });
    expect(told(kit, 'a')).toEqual([`ok trip#1 ${oa}`]);
    expect(told(kit, 'b')).toEqual([`ok trip#1 ${ob}`]);
    expect(told(kit, 'c')).toEqual([`ok trip#1 ${oc}`]);
    await kit.wait('1s');
    // at the deadline nothing is refunded; a payment after it is refused and refunded
    expect(kit.effects.of('payment.refund')).toEqual([]);
    await kit.pay('d', od);
    expect(kit.data<Return>('payment.refund').map((r) => [r.orderId, r.reason])).toEqual([
      [od, 'campaign-closed'],
    ]);
    expect(told(kit, 'd')).toEqual(['cancelled campaign-closed']);
    for (const o of [oa, ob, oc]) expect((await kit.ledger.order(o))?.confirmedAt).toBe(deadline - 1000);
    expect((await kit.member('c')).profile).toMatchObject({ spent: 30000, orders: 1 });
    expect((await kit.member('d')).profile).toMatchObject({ spent: 0, orders: 0 });
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });
});

describe('campaign edges', () => {
  it('an order paid after its campaign failed is refunded and cancelled', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a', 'b');
    const oa = await kit.buy('a', 'trip');
    const ob = await kit.buy('b', 'trip');
    await kit.pay('a', oa);
    await kit.wait('3d');
    await kit.pay('b', ob);
    expect(kit.data<Return>('payment.refund').map((r) => [r.orderId, r.reason])).toEqual([
      [oa, 'campaign-failed'],
      [ob, 'campaign-failed'],
    ]);
    expect(told(kit, 'a')).toEqual([`failed trip#1 ${oa}`]);
    expect(told(kit, 'b')).toEqual(['cancelled campaign-failed']);
    expect((await kit.member('b')).orders[ob]?.status).toBe('cancelled');
    expect((await kit.member('b')).profile).toMatchObject({ spent: 0, orders: 0 });
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('maxOrders: a late joiner of a campaign that succeeded is confirmed; one beyond the cap is refunded', async () => {
    const kit = await moneyKit(PB);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await members(kit, ...ids);
    const orders: string[] = [];
    for (const m of ids) orders.push(await kit.buy(m, 'trip'));
    for (let i = 0; i < ids.length; i++) await kit.pay(ids[i]!, orders[i]!);
    expect(ids.map((m) => told(kit, m))).toEqual([
      [`ok trip#1 ${orders[0]}`],
      [`ok trip#1 ${orders[1]}`],
      [`ok trip#1 ${orders[2]}`],
      [`ok trip#1 ${orders[3]}`],
      ['cancelled campaign-full'],
    ]);
    expect(kit.data<Return>('payment.refund').map((r) => [r.orderId, r.reason])).toEqual([
      [orders[4], 'campaign-full'],
    ]);
    await kit.wait('3d');
    expect(kit.effects.of('payment.refund')).toHaveLength(1);
    const sales = await readSales(kit.store, kit.tenant, 'trip');
    expect(sales?.rounds[0]).toMatchObject({ status: 'succeeded', participants: expect.any(Array) });
    expect(sales?.rounds[0]?.participants.map((p) => p.member)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stock: a payment beyond it is refunded; a full refund gives the unit back', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a', 'b', 'c', 'd');
    const orders: string[] = [];
    for (const m of ['a', 'b', 'c']) orders.push(await kit.buy(m, 'mug'));
    for (const [i, m] of ['a', 'b', 'c'].entries()) await kit.pay(m, orders[i]!);
    expect(kit.data<Return>('payment.refund').map((r) => [r.orderId, r.reason])).toEqual([
      [orders[2], 'sold-out'],
    ]);
    expect(told(kit, 'c')).toEqual(['cancelled sold-out']);
    await kit.refund('a', orders[0]!, 'r-a');
    const od = await kit.buy('d', 'mug');
    await kit.pay('d', od);
    expect(told(kit, 'd')).toEqual([]);
    expect((await kit.ledger.order(od))?.confirmedAt).not.toBeNull();
    const sales = await readSales(kit.store, kit.tenant, 'mug');
    expect(Object.keys(sales?.sold ?? {}).sort()).toEqual([orders[1], od].sort());
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });

  it('a payment for an order made outside the journeys (scan-to-buy) is held to the stock too', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a', 'b', 'c');
    for (const m of ['a', 'b', 'c'])
      await kit.event('payment.succeeded', m, {
        orderId: `qr-${m}`,
        paymentId: `p-${m}`,
        offer: 'mug',
        amount: 5000,
        currency: 'CNY',
      });
    expect(kit.data<Return>('payment.refund').map((r) => [r.orderId, r.reason])).toEqual([
      ['qr-c', 'sold-out'],
    ]);
    expect(told(kit, 'c')).toEqual(['cancelled sold-out']);
    expect((await kit.member('c')).profile).toMatchObject({ spent: 0, orders: 0 });
    expect((await kit.member('a')).profile).toMatchObject({ spent: 5000, orders: 1 });
    await kit.refund('a', 'qr-a', 'r1', 2000);
    expect((await kit.member('a')).profile).toMatchObject({ spent: 3000, orders: 1 });
    expect((await kit.ledger.order('qr-a'))?.status).toBe('partially-refunded');
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });
});

describe('pre-sale', () => {
  it('authorises at checkout and captures every order at the threshold', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a', 'b');
    const oa = await kit.buy('a', 'cream');
    const ob = await kit.buy('b', 'cream');
    expect(kit.data<{ capture: string }>('payment.checkout').map((c) => c.capture)).toEqual([
      'manual',
      'manual',
    ]);
    await kit.pay('a', oa);
    expect((await kit.ledger.order(oa))?.payments[0]?.state).toBe('authorized');
    expect((await kit.ledger.order(oa))?.journal).toEqual([]);
    await kit.pay('b', ob);
    expect(
      kit.data<{ orderId: string; amount: number }>('payment.capture').map((c) => [c.orderId, c.amount]),
    ).toEqual([
      [oa, 20000],
      [ob, 20000],
    ]);
    expect(told(kit, 'a')).toEqual([`ok cream#1 ${oa}`]);
    const a = await kit.ledger.order(oa);
    expect(a?.payments[0]?.state).toBe('captured');
    expect(a?.journal.map((e) => [e.kind, e.lines])).toEqual([
      [
        'payment',
        [
          { account: 'cash', amount: 20000 },
          { account: 'sales', amount: -20000 },
        ],
      ],
    ]);
    await kit.until('2026-01-09T00:00:00Z');
    expect(kit.effects.of('payment.void')).toEqual([]);
  });

  it('voids every hold when the deadline passes short of the threshold', async () => {
    const kit = await moneyKit(PB);
    await members(kit, 'a');
    const oa = await kit.buy('a', 'cream');
    await kit.pay('a', oa);
    expect((await kit.member('a')).profile.spent).toBe(20000);
    await kit.until('2026-01-08T00:00:00Z');
    expect(kit.data<Return>('payment.void').map((v) => [v.orderId, v.amount, v.reason])).toEqual([
      [oa, 20000, 'campaign-failed'],
    ]);
    expect(kit.effects.of('payment.refund')).toEqual([]);
    expect(kit.effects.of('payment.capture')).toEqual([]);
    expect(told(kit, 'a')).toEqual([`failed cream#1 ${oa}`]);
    expect((await kit.member('a')).profile).toMatchObject({ spent: 0, orders: 0 });
    const a = await kit.ledger.order(oa);
    expect(a?.payments[0]?.state).toBe('voided');
    expect(a?.journal).toEqual([]);
    // a fixed deadline has passed: a later order cannot join and its hold is released
    await members(kit, 'b');
    const ob = await kit.buy('b', 'cream');
    await kit.pay('b', ob);
    expect(kit.data<Return>('payment.void').map((v) => [v.orderId, v.reason])).toEqual([
      [oa, 'campaign-failed'],
      [ob, 'campaign-failed'],
    ]);
    expect(await checkLedger(kit.ledger)).toEqual([]);
  });
});
