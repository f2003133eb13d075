import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLedger, kept, type LedgerOrder, type ReferrerAccount, readSales } from '../src/index.js';
import { moneyKit, moneyPlaybook } from './ledger-fixtures.js';

const PB = moneyPlaybook({
  offers: `  box: { price: 10000, currency: CNY, tierPrice: { kol: 8000 } }
  odd: { price: 9999, currency: CNY }
  mug: { price: 2501, currency: CNY, stock: 3 }
  trip: { price: 30000, currency: CNY, campaign: { kind: group-buy, threshold: 2, deadline: 3d, maxOrders: 3 } }
  cream: { price: 7777, currency: CNY, campaign: { kind: pre-sale, threshold: 2, deadline: 2d } }`,
  referrals: `referrals:
  commissions:
    levels: [{ rate: "10%" }, { rate: "3.33%" }, { rate: "2.5%", tiers: [kol] }]
    hold: 5d
    cap: { perOrder: 1500, perReferrerPerMonth: 4000 }
  kol: { when: "member.referrals >= 2", tier: kol }`,
});

const BUYERS = ['c', 'd', 'e'] as const;
const OFFERS = ['box', 'odd', 'mug', 'trip', 'cream'] as const;
const REFERRERS = ['a', 'b', 'c'] as const;

type Op =
  | { op: 'order'; member: number; offer: number; pay: boolean }
  | { op: 'pay'; order: number; second: boolean }
  | { op: 'refund'; order: number; id: number; amount: number | null }
  | { op: 'payout'; referrer: number; id: number }
  | { op: 'wait'; hours: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('order' as const),
      member: fc.nat(2),
      offer: fc.nat(4),
      pay: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('pay' as const), order: fc.nat(19), second: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('refund' as const),
      order: fc.nat(19),
      id: fc.nat(2),
      amount: fc.option(fc.integer({ min: 1, max: 12000 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('payout' as const), referrer: fc.nat(2), id: fc.nat(3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 24 * 8 }) }),
  },
);

/** Every number anywhere in a value is a safe integer: money never became a float. */
function integersOnly(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => integersOnly(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => integersOnly(v, `${path}.${k}`));
  return [];
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('the ledger balances', () => {
  it('after any sequence of orders, payments, refunds, payouts and time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), async (ops) => {
        const kit = await moneyKit(PB, { kernel: { trace: false } });
        await kit.event('member.joined', 'a');
        await kit.event('member.joined', 'b', { referrer: 'a' });
        await kit.event('member.joined', 'c', { referrer: 'b' });
        await kit.event('member.joined', 'd', { referrer: 'a' });
        await kit.event('member.joined', 'e', { referrer: 'c' });
        const orders: { id: string; member: string }[] = [];
        for (const o of ops) {
          const order = 'order' in o ? orders[o.order % Math.max(orders.length, 1)] : undefined;
          switch (o.op) {
            case 'order': {
              const member = BUYERS[o.member]!;
              const id = await kit.buy(member, OFFERS[o.offer]!);
              orders.push({ id, member });
              if (o.pay) await kit.pay(member, id, `p-${id}`);
              break;
            }
            case 'pay':
              if (order !== undefined)
                await kit.pay(order.member, order.id, o.second ? `p2-${order.id}` : `p-${order.id}`);
              break;
            case 'refund':
              if (order !== undefined)
                await kit.refund(order.member, order.id, `r${o.id}-${order.id}`, o.amount ?? undefined);
              break;
            case 'payout':
              await kit.event('payout.requested', REFERRERS[o.referrer]!, { payoutId: `po${o.id}` });
              break;
            case 'wait':
              await kit.wait(o.hours * 3_600_000);
              break;
          }
        }
        await kit.wait('10d');

        expect(await checkLedger(kit.ledger)).toEqual([]);
        const books = await collect(kit.ledger.orders());
        const accounts = await collect(kit.ledger.accounts());
        const sales = await Promise.all(OFFERS.map((o) => readSales(kit.store, kit.tenant, o)));
        const effects = kit.store.outboxOf(kit.tenant).map((e) => e.effect.data);
        expect(integersOnly({ books, accounts, sales, effects })).toEqual([]);

        // each member's spent and orders agree with the ledger's orders
        for (const m of BUYERS) {
          const state = await kit.member(m);
          const mine = books.filter((b: LedgerOrder) => b.member === m && b.status !== 'cancelled');
          expect(state.profile.spent).toBe(mine.reduce((s, b) => s + kept(b), 0));
          expect(state.profile.orders).toBe(mine.filter((b) => kept(b) > 0).length);
          expect(state.profile.spent).toBeGreaterThanOrEqual(0);
        }
        // per order: commissions within the cap; per referrer: payouts are what their accounts say
        const byOrder = new Map<string, number>();
        for (const a of accounts as ReferrerAccount[]) {
          for (const e of a.entries) byOrder.set(e.order, (byOrder.get(e.order) ?? 0) + e.amount);
          for (const [, v] of Object.entries(a.months)) expect(v).toBeLessThanOrEqual(4000);
          const paidOut = kit.effects
            .of('commission.payout')
            .filter((e) => e.member === a.id)
            .reduce((s, e) => s + (e.data.amount as number), 0);
          expect(paidOut).toBe(a.payouts.reduce((s, p) => s + p.amount, 0));
          for (const p of a.payouts) expect(p.amount).toBeGreaterThanOrEqual(0);
        }
        for (const [, total] of byOrder) expect(total).toBeLessThanOrEqual(1500);
        // money goes back at most once per payment
        const back = kit.effects.of('payment.refund').concat(kit.effects.of('payment.void'));
        const payments = back.map((e) => e.data.paymentId);
        expect(new Set(payments).size).toBe(payments.length);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
