import { standing } from './accounts.js';
import { ACCOUNT, balance } from './journal.js';
import type { Ledger } from './ledger.js';
import type { LedgerOrder } from './types.js';

/** Money of a set of orders, minor units of one currency. */
export interface MoneyRow {
  /** Orders whose payment was captured (a refunded one still counts here; its money is in `refunds`). */
  orders: number;
  revenue: number;
  refunds: number;
  /** Revenue less refunds. */
  net: number;
  /** Commission expense on these orders, net of reversals and clawbacks. */
  commissions: number;
}

/** A referrer: the orders of members they referred directly, and their own commission account. */
export interface ReferrerRow extends MoneyRow {
  /** Commission earned (all levels), before anything was taken back. */
  earned: number;
  reversed: number;
  clawedBack: number;
  pending: number;
  payable: number;
  paid: number;
  /** Clawed back after payment, not made up yet. */
  debt: number;
}

export interface CurrencyReport {
  total: MoneyRow;
  byOffer: Record<string, MoneyRow>;
  /** By the stage of the journey that made the order. */
  byStage: Record<string, MoneyRow>;
  /** By the member's tier when the order was made. */
  byTier: Record<string, MoneyRow>;
  byCampaign: Record<string, MoneyRow>;
  /** By referrer member id. */
  byReferrer: Record<string, ReferrerRow>;
}

export interface LedgerReport {
  /** By currency: amounts of different currencies are never added up. */
  currencies: Record<string, CurrencyReport>;
}

const NONE = '(none)';

function row(): MoneyRow {
  return { orders: 0, revenue: 0, refunds: 0, net: 0, commissions: 0 };
}

function referrerRow(): ReferrerRow {
  return { ...row(), earned: 0, reversed: 0, clawedBack: 0, pending: 0, payable: 0, paid: 0, debt: 0 };
}

function add<R extends MoneyRow>(into: R, from: MoneyRow): R {
  into.orders += from.orders;
  into.revenue += from.revenue;
  into.refunds += from.refunds;
  into.net += from.net;
  into.commissions += from.commissions;
  return into;
}

function orderRow(o: LedgerOrder, commissions: number): MoneyRow {
  let revenue = 0;
  let refunds = 0;
  for (const e of o.journal) {
    const cash = balance([e], ACCOUNT.cash);
    if (e.kind === 'payment') revenue += cash;
    else if (e.kind === 'refund') refunds -= cash;
  }
  const captured = o.payments.some((p) => !p.excess && p.state === 'captured');
  return { orders: captured ? 1 : 0, revenue, refunds, net: revenue - refunds, commissions };
}

function currency(report: LedgerReport, cur: string): CurrencyReport {
  let c = report.currencies[cur];
  if (c === undefined) {
    c = { total: row(), byOffer: {}, byStage: {}, byTier: {}, byCampaign: {}, byReferrer: {} };
    report.currencies[cur] = c;
  }
  return c;
}

function referrerOf(c: CurrencyReport, id: string): ReferrerRow {
  let r = c.byReferrer[id];
  if (r === undefined) {
    r = referrerRow();
    c.byReferrer[id] = r;
  }
  return r;
}

function bucket(into: Record<string, MoneyRow>, key: string, r: MoneyRow): void {
  into[key] = add(into[key] ?? row(), r);
}

/**
 * Revenue, refunds and commissions per offer, stage, tier, campaign and referrer, from the
 * ledger's journals (a full scan: for the API and exports, not for a hot path).
 */
export async function ledgerReport(ledger: Ledger): Promise<LedgerReport> {
  const report: LedgerReport = { currencies: {} };
  const commissionsByOrder = new Map<string, number>();
  for await (const a of ledger.accounts()) {
    for (const e of a.journal) {
      if (e.order === null) continue;
      const c = balance([e], ACCOUNT.commissions);
      commissionsByOrder.set(e.order, (commissionsByOrder.get(e.order) ?? 0) + c);
    }
    const currencies = new Set(a.entries.map((e) => e.currency));
    for (const cur of currencies) {
      const r = referrerOf(currency(report, cur), a.id);
      const s = standing(a, cur);
      r.pending += s.pending;
      r.payable += s.payable;
      r.paid += s.paid;
      r.debt += s.debt;
      for (const e of a.entries) {
        if (e.currency !== cur) continue;
        r.earned += e.amount;
        r.reversed += e.reversed;
        r.clawedBack += e.clawedBack;
      }
      r.commissions += balance(a.journal, ACCOUNT.commissions, cur);
    }
  }
  for await (const o of ledger.orders()) {
    const r = orderRow(o, commissionsByOrder.get(o.id) ?? 0);
    const c = currency(report, o.currency);
    add(c.total, r);
    bucket(c.byOffer, o.offer, r);
    bucket(c.byStage, o.stage ?? NONE, r);
    bucket(c.byTier, o.tier === '' ? NONE : o.tier, r);
    if (o.campaign !== null) bucket(c.byCampaign, o.campaign, r);
    const direct = o.referrers[0];
    if (direct !== undefined) {
      const rr = referrerOf(c, direct);
      // the referrer's commissions come from their account, not from the orders they brought
      add(rr, { ...r, commissions: 0 });
    }
  }
  return report;
}
