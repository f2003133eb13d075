import type { MemberState } from '../model/member.js';

/** Money of a set of orders, in minor units of one currency (never a float). */
export interface RevenueRow {
  /** Orders created (checkouts sent). */
  orders: number;
  /** Orders paid, refunded ones included. */
  paid: number;
  refunded: number;
  /** Money taken on paid orders, refunded ones included. */
  gross: number;
  refunds: number;
  /** Gross less refunds. */
  net: number;
}

export interface CurrencyRevenue extends RevenueRow {
  currency: string;
  byOffer: Record<string, RevenueRow>;
}

function row(): RevenueRow {
  return { orders: 0, paid: 0, refunded: 0, gross: 0, refunds: 0, net: 0 };
}

/**
 * Revenue from the orders the engine keeps on each member (created by `offer`/`charge` steps,
 * marked paid and refunded by payment events), per currency and offer: amounts of different
 * currencies are never added up.
 */
export class RevenueTally {
  private readonly currencies = new Map<string, { total: RevenueRow; offers: Map<string, RevenueRow> }>();

  addMember(state: MemberState): void {
    for (const id in state.orders) {
      const o = state.orders[id]!;
      let c = this.currencies.get(o.currency);
      if (c === undefined) {
        c = { total: row(), offers: new Map() };
        this.currencies.set(o.currency, c);
      }
      let offer = c.offers.get(o.offer);
      if (offer === undefined) {
        offer = row();
        c.offers.set(o.offer, offer);
      }
      for (const r of [c.total, offer]) {
        r.orders++;
        if (o.status === 'paid' || o.status === 'refunded') {
          r.paid++;
          r.gross += o.amount;
        }
        if (o.status === 'refunded') {
          r.refunded++;
          r.refunds += o.amount;
        }
        r.net = r.gross - r.refunds;
      }
    }
  }

  /** By currency code, then offer id, both sorted. */
  revenue(): CurrencyRevenue[] {
    return [...this.currencies.keys()].sort().map((currency) => {
      const c = this.currencies.get(currency)!;
      return {
        currency,
        ...c.total,
        byOffer: Object.fromEntries([...c.offers.keys()].sort().map((k) => [k, c.offers.get(k)!])),
      };
    });
  }
}
