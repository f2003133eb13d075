import { ACCOUNT, post, transfer } from './journal.js';
import { share } from './money.js';
import type { CommissionEntry, Payout, ReferrerAccount } from './types.js';

/**
 * Pure operations on one referrer's commission account. An entry is pending, payable once its
 * hold is over, then paid; a refund takes back the order's share of it — a reversal while it is
 * unpaid, a clawback (a debt made up from later commissions) once it was paid.
 */

export function newAccount(id: string): ReferrerAccount {
  return { id, entries: [], journal: [], months: {}, debt: {}, payouts: [] };
}

/** What is left of an entry after what was taken back. */
export function remaining(e: CommissionEntry): number {
  return e.amount - e.reversed - e.clawedBack;
}

function monthKey(e: Pick<CommissionEntry, 'month' | 'currency'>): string {
  return `${e.month} ${e.currency}`;
}

/**
 * Pending entries whose hold is over become payable, marked with the call that released them;
 * returns the entries that call released (a retry of it gets the same ones back).
 */
export function release(a: ReferrerAccount, now: number, by: string): CommissionEntry[] {
  for (const e of a.entries) {
    if (e.status === 'pending' && e.payableAt <= now) {
      e.status = 'payable';
      e.releasedBy = by;
    }
  }
  return a.entries.filter((e) => e.releasedBy === by && e.status !== 'pending');
}

export interface AccrualDraft {
  order: string;
  buyer: string;
  offer: string;
  level: number;
  currency: string;
  base: number;
  /** After the per-order cap; the monthly cap is applied here. */
  amount: number;
  at: number;
  holdMs: number;
  month: string;
}

/**
 * Accrues one commission (once per order and level), cut to what the monthly cap leaves. Returns
 * the entry, or null when nothing is left to earn.
 */
export function accrue(
  a: ReferrerAccount,
  d: AccrualDraft,
  monthlyCap: number | null,
): { entry: CommissionEntry | null; fresh: boolean } {
  const id = `${d.order}#${d.level}`;
  const existing = a.entries.find((e) => e.id === id);
  if (existing !== undefined) return { entry: existing, fresh: false };
  const key = monthKey(d);
  const earned = a.months[key] ?? 0;
  const amount = monthlyCap === null ? d.amount : Math.min(d.amount, Math.max(0, monthlyCap - earned));
  if (amount <= 0) return { entry: null, fresh: false };
  const entry: CommissionEntry = {
    id,
    order: d.order,
    buyer: d.buyer,
    offer: d.offer,
    level: d.level,
    referrer: a.id,
    currency: d.currency,
    base: d.base,
    amount,
    reversed: 0,
    clawedBack: 0,
    status: d.holdMs <= 0 ? 'payable' : 'pending',
    earnedAt: d.at,
    payableAt: d.at + Math.max(0, d.holdMs),
    paidAt: null,
    payout: null,
    releasedBy: null,
    month: d.month,
  };
  a.entries.push(entry);
  a.months[key] = earned + amount;
  const head = { id: `com:${id}`, at: d.at, currency: d.currency, order: d.order, referrer: a.id };
  post(
    a.journal,
    transfer({ ...head, kind: 'commission' }, ACCOUNT.commissions, ACCOUNT.referrer(a.id), amount),
  );
  return { entry, fresh: true };
}

export interface Takeback {
  entry: CommissionEntry;
  amount: number;
  clawback: boolean;
}

/**
 * The order now keeps `kept` of its money: each of its entries keeps the same share of itself
 * (rounded down, so a full refund takes back everything) and the rest is taken back.
 */
export function takeBack(a: ReferrerAccount, order: string, kept: number, at: number): Takeback[] {
  const out: Takeback[] = [];
  for (const e of a.entries) {
    if (e.order !== order || e.base <= 0) continue;
    const keep = share(e.amount, Math.min(Math.max(kept, 0), e.base), e.base);
    const taken = e.reversed + e.clawedBack;
    const delta = e.amount - keep - taken;
    if (delta <= 0) continue;
    const clawback = e.status === 'paid';
    if (clawback) {
      e.clawedBack += delta;
      a.debt[e.currency] = (a.debt[e.currency] ?? 0) + delta;
    } else {
      e.reversed += delta;
      if (e.reversed >= e.amount) e.status = 'reversed';
    }
    const key = monthKey(e);
    a.months[key] = (a.months[key] ?? 0) - delta;
    const kind = clawback ? 'clawback' : 'reversal';
    const head = { id: `${kind}:${e.id}:${taken + delta}`, at, currency: e.currency, order, referrer: a.id };
    post(a.journal, transfer({ ...head, kind }, ACCOUNT.referrer(a.id), ACCOUNT.commissions, delta));
    out.push({ entry: e, amount: delta, clawback });
  }
  return out;
}

/**
 * Pays out every payable entry (per currency), once per payout id: what earlier clawbacks left
 * owing is made up first, the rest is paid. A payout of nothing records nothing.
 */
export function payout(a: ReferrerAccount, id: string, at: number, currency: string | null): Payout[] {
  const done = a.payouts.filter((p) => p.id === id || p.id.startsWith(`${id}:`));
  if (done.length > 0) return done;
  release(a, at, `payout:${id}`);
  const byCurrency = new Map<string, CommissionEntry[]>();
  for (const e of a.entries) {
    if (e.status !== 'payable' || (currency !== null && e.currency !== currency)) continue;
    const list = byCurrency.get(e.currency) ?? [];
    list.push(e);
    byCurrency.set(e.currency, list);
  }
  const out: Payout[] = [];
  const several = byCurrency.size > 1;
  for (const [cur, entries] of [...byCurrency].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const gross = entries.reduce((s, e) => s + remaining(e), 0);
    const owed = a.debt[cur] ?? 0;
    const offset = Math.min(gross, owed);
    const amount = gross - offset;
    const p: Payout = {
      id: several ? `${id}:${cur}` : id,
      currency: cur,
      amount,
      offset,
      at,
      entries: entries.map((e) => e.id),
    };
    for (const e of entries) {
      e.status = 'paid';
      e.paidAt = at;
      e.payout = p.id;
    }
    if (offset > 0) a.debt[cur] = owed - offset;
    if (amount > 0) {
      const head = { id: `payout:${p.id}`, at, currency: cur, order: null, referrer: a.id };
      post(a.journal, transfer({ ...head, kind: 'payout' }, ACCOUNT.referrer(a.id), ACCOUNT.cash, amount));
    }
    a.payouts.push(p);
    out.push(p);
  }
  return out;
}

/** Balances of an account in a currency, derived from its entries. */
export function standing(
  a: ReferrerAccount,
  currency: string,
): { pending: number; payable: number; paid: number; debt: number } {
  let pending = 0;
  let payable = 0;
  let paid = 0;
  for (const e of a.entries) {
    if (e.currency !== currency) continue;
    const left = remaining(e);
    if (e.status === 'pending') pending += left;
    else if (e.status === 'payable') payable += left;
    else if (e.status === 'paid') paid += e.amount - e.reversed;
  }
  return { pending, payable, paid, debt: a.debt[currency] ?? 0 };
}
