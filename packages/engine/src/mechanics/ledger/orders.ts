import { emptyList, ownList } from '../../model/member.js';
import { ACCOUNT, post, transfer } from './journal.js';
import type { LedgerOrder, LedgerPayment, LedgerRefund, RefundRequest, RefusalReason } from './types.js';

/**
 * Pure operations on one order's record. Each is idempotent (a payment, a refund, a request by
 * its id) and posts its money to the order's journal as balanced entries.
 */

export interface OrderDraft {
  id: string;
  member: string;
  offer: string;
  tier: string;
  stage: string | null;
  journey: string | null;
  amount: number;
  currency: string;
  target: string;
  campaign: string | null;
  referrers: string[];
  at: number;
}

/**
 * A new order: its six lists start as the shared frozen empty list (most orders are never paid,
 * and six empty arrays were ~190 bytes of each one kept); write through `ownList`.
 */
export function newOrder(d: OrderDraft): LedgerOrder {
  return {
    id: d.id,
    member: d.member,
    offer: d.offer,
    tier: d.tier,
    stage: d.stage,
    journey: d.journey,
    amount: d.amount,
    currency: d.currency,
    target: d.target,
    campaign: d.campaign,
    referrers: d.referrers,
    status: 'created',
    createdAt: d.at,
    paidAt: null,
    confirmedAt: null,
    commissionBase: null,
    cancelledAt: null,
    cancelReason: null,
    payments: emptyList(),
    refunds: emptyList(),
    requests: emptyList(),
    failures: emptyList(),
    commissions: emptyList(),
    journal: emptyList(),
  };
}

/** The payment that paid the order: the first one that is not a second charge. */
export function primaryPayment(o: LedgerOrder): LedgerPayment | undefined {
  return o.payments.find((p) => !p.excess);
}

export function refundedOf(o: LedgerOrder, payment: string): number {
  let sum = 0;
  for (const r of o.refunds) if (r.payment === payment) sum += r.amount;
  return sum;
}

/** Money the order keeps of the payment that paid it (held or captured), after refunds. */
export function kept(o: LedgerOrder): number {
  const p = primaryPayment(o);
  if (p === undefined || p.state === 'voided') return 0;
  return p.amount - refundedOf(o, p.id);
}

function postPayment(o: LedgerOrder, p: LedgerPayment, at: number): void {
  const head = {
    id: `pay:${p.id}`,
    kind: 'payment' as const,
    at,
    currency: p.currency,
    order: o.id,
    referrer: null,
  };
  o.journal = ownList(o.journal);
  post(o.journal, transfer(head, ACCOUNT.cash, ACCOUNT.sales, p.amount));
}

export interface PaymentNotice {
  id: string;
  provider: string | null;
  amount: number;
  currency: string;
  at: number;
  /** Authorised only (a pre-sale checkout): captured when the campaign succeeds. */
  hold: boolean;
}

/** Records a payment once; the first one pays the order, any later one is a second charge. */
export function recordPayment(o: LedgerOrder, n: PaymentNotice): { payment: LedgerPayment; fresh: boolean } {
  const existing = o.payments.find((p) => p.id === n.id);
  if (existing !== undefined) return { payment: existing, fresh: false };
  const payment: LedgerPayment = {
    id: n.id,
    provider: n.provider,
    amount: n.amount,
    currency: n.currency,
    at: n.at,
    state: n.hold ? 'authorized' : 'captured',
    held: n.hold,
    excess: primaryPayment(o) !== undefined,
    outcome: null,
  };
  o.payments = ownList(o.payments);
  o.payments.push(payment);
  if (payment.state === 'captured') postPayment(o, payment, n.at);
  if (!payment.excess && o.status === 'created') {
    o.status = 'paid';
    o.paidAt = n.at;
  }
  return { payment, fresh: true };
}

/** Captures a held payment (a pre-sale that reached its threshold): the money counts from now. */
export function capture(o: LedgerOrder, payment: LedgerPayment, at: number): boolean {
  if (payment.state !== 'authorized') return false;
  payment.state = 'captured';
  postPayment(o, payment, at);
  return true;
}

function settleStatus(o: LedgerOrder): void {
  if (o.status === 'cancelled' || o.status === 'created') return;
  const p = primaryPayment(o);
  if (p === undefined) return;
  const k = kept(o);
  o.status = k === 0 ? 'refunded' : k < p.amount ? 'partially-refunded' : 'paid';
}

export interface RefundNotice {
  id: string;
  /** Null: everything left of the payment. */
  amount: number | null;
  /** Null: the payment that paid the order. */
  payment: string | null;
  at: number;
}

/**
 * Records a refund once, never more than is left of the payment; a refund of a payment only held
 * releases the whole hold (no money moved) and cancels the order: a pre-sale order whose hold is
 * gone is out of its campaign. Returns what changed.
 */
export function recordRefund(
  o: LedgerOrder,
  n: RefundNotice,
): { refund: LedgerRefund | null; fresh: boolean; released: boolean } {
  const seen = o.refunds.find((r) => r.id === n.id);
  if (seen !== undefined) return { refund: seen, fresh: false, released: false };
  const payment = n.payment === null ? primaryPayment(o) : o.payments.find((p) => p.id === n.payment);
  if (payment === undefined || payment.state === 'voided')
    return { refund: null, fresh: false, released: false };
  if (payment.state === 'authorized') {
    payment.state = 'voided';
    if (!payment.excess) cancel(o, 'order-cancelled', n.at);
    return { refund: null, fresh: true, released: true };
  }
  const left = payment.amount - refundedOf(o, payment.id);
  const amount = n.amount === null ? left : Math.min(n.amount, left);
  if (amount <= 0) return { refund: null, fresh: false, released: false };
  const refund: LedgerRefund = { id: n.id, amount, at: n.at, payment: payment.id };
  o.refunds = ownList(o.refunds);
  o.refunds.push(refund);
  const head = { id: `refund:${n.id}`, at: n.at, currency: payment.currency, order: o.id, referrer: null };
  o.journal = ownList(o.journal);
  post(o.journal, transfer({ ...head, kind: 'refund' }, ACCOUNT.sales, ACCOUNT.cash, amount));
  settleStatus(o);
  return { refund, fresh: true, released: false };
}

/** Cancels the order (its campaign failed, its payment was refused); false if it already was. */
export function cancel(o: LedgerOrder, reason: RefusalReason, at: number): boolean {
  if (o.status === 'cancelled') return false;
  o.status = 'cancelled';
  o.cancelledAt = at;
  o.cancelReason = reason;
  return true;
}

/**
 * Asks for a payment's money back, once per payment: a void for a hold (released at once, no money
 * moved), a refund of what is left for a captured payment (recorded when the provider confirms).
 */
export function requestReturn(
  o: LedgerOrder,
  payment: LedgerPayment,
  reason: RefusalReason,
  at: number,
): RefundRequest | null {
  const kind = payment.state === 'authorized' ? 'void' : 'refund';
  const id = `${kind === 'void' ? 'void' : 'rf'}_${payment.id}`;
  const asked = o.requests.find((r) => r.payment === payment.id);
  if (asked !== undefined) return asked;
  if (payment.state === 'voided') return null;
  const amount = kind === 'void' ? payment.amount : payment.amount - refundedOf(o, payment.id);
  if (amount <= 0) return null;
  if (kind === 'void') payment.state = 'voided';
  const request: RefundRequest = { id, kind, payment: payment.id, amount, reason, at };
  o.requests = ownList(o.requests);
  o.requests.push(request);
  return request;
}
