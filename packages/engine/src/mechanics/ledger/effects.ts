import type { Effect } from '../../model/effect.js';
import type { LedgerOrder, LedgerPayment, Payout, RefundRequest } from './types.js';

/**
 * Effects the ledger asks payment plugins to carry out. Each key is derived from the business id
 * (order and payment, refund, payout), not from the event that led to it: however often the
 * ledger decides the same thing, the outbox holds one effect and the provider sees one key.
 */
export const PAYMENT_EFFECTS = {
  /** Capture a held (authorised) payment: a pre-sale reached its threshold. */
  capture: 'payment.capture',
  /** Send a captured payment's money back. */
  refund: 'payment.refund',
  /** Release a held payment without capturing it. */
  void: 'payment.void',
  /** Pay a referrer their payable commissions. */
  payout: 'commission.payout',
} as const;

/** `data` of `payment.capture`. */
export interface CaptureData {
  orderId: string;
  paymentId: string;
  amount: number;
  currency: string;
  offer: string;
  member: string;
  campaign: string | null;
}

/**
 * `data` of `payment.refund` and `payment.void`. The plugin reports the outcome as
 * `payment.refunded` with this `refundId` (a void needs no report: no money moved).
 */
export interface ReturnData {
  orderId: string;
  paymentId: string;
  refundId: string;
  amount: number;
  currency: string;
  reason: RefundRequest['reason'];
  offer: string;
  member: string;
  campaign: string | null;
}

/** `data` of `commission.payout`. */
export interface PayoutData {
  payoutId: string;
  referrer: string;
  amount: number;
  currency: string;
  /** Commission entries (`order#level`) the payout settles. */
  entries: string[];
}

function effect(
  tenant: string,
  key: string,
  member: string,
  type: string,
  target: string,
  data: CaptureData | ReturnData | PayoutData,
  at: number,
): Effect {
  return {
    key: `${tenant}/ledger/${key}`,
    tenant,
    member,
    instance: null,
    step: null,
    type,
    target,
    data: data as unknown as Readonly<Record<string, unknown>>,
    notBefore: at,
  };
}

export function captureEffect(tenant: string, o: LedgerOrder, p: LedgerPayment, at: number): Effect {
  const data: CaptureData = {
    orderId: o.id,
    paymentId: p.id,
    amount: p.amount,
    currency: p.currency,
    offer: o.offer,
    member: o.member,
    campaign: o.campaign,
  };
  return effect(tenant, `${o.id}/capture/${p.id}`, o.member, PAYMENT_EFFECTS.capture, o.target, data, at);
}

export function returnEffect(tenant: string, o: LedgerOrder, r: RefundRequest, currency: string): Effect {
  const data: ReturnData = {
    orderId: o.id,
    paymentId: r.payment,
    refundId: r.id,
    amount: r.amount,
    currency,
    reason: r.reason,
    offer: o.offer,
    member: o.member,
    campaign: o.campaign,
  };
  const type = r.kind === 'void' ? PAYMENT_EFFECTS.void : PAYMENT_EFFECTS.refund;
  return effect(tenant, `${o.id}/${r.kind}/${r.id}`, o.member, type, o.target, data, r.at);
}

export function payoutEffect(tenant: string, referrer: string, p: Payout, target: string): Effect {
  const data: PayoutData = {
    payoutId: p.id,
    referrer,
    amount: p.amount,
    currency: p.currency,
    entries: p.entries,
  };
  return effect(tenant, `payout/${referrer}/${p.id}`, referrer, PAYMENT_EFFECTS.payout, target, data, p.at);
}
