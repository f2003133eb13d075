import { Type } from '@sinclair/typebox';
import type { TriggerDefinition } from '../plugin/types.js';
import type { InboundEvent } from '../webhook/types.js';
import { isMinorAmount } from './money.js';
import { PAYMENT_EVENTS } from './types.js';

/**
 * The normalised payment events, as the engine's ledger reads them (`orderId`, `paymentId`,
 * `refundId`, integer `amount`). Every payment plugin builds its events with these, so the four
 * providers cannot drift apart in field names.
 */
interface PaymentEventBase {
  /** Stable per provider notification: from the provider's own ids, never the clock. */
  id: string;
  at: number;
  orderId: string;
  /** The provider's payment id (PaymentIntent, transaction_id, trade_no): capture, void and refund name it. */
  paymentId: string;
  /** The plugin's name, for reports. */
  provider: string;
  /** The Kith member, when the provider carried it back in metadata. */
  member?: string | null;
}

export interface PaymentSucceeded extends PaymentEventBase {
  amount: number;
  currency: string;
  /** False for a held (pre-sale) payment that still needs a capture. */
  captured: boolean;
}

export interface PaymentFailed extends PaymentEventBase {
  reason: string | null;
}

export interface PaymentRefunded extends PaymentEventBase {
  /** Kith's refund id when Kith asked for the refund (`payment.refund`), else the provider's. */
  refundId: string;
  providerRefundId: string;
  amount: number;
  currency: string;
}

function amountOf(amount: number): number {
  if (!isMinorAmount(amount))
    throw new RangeError(`payment amount must be integer minor units, got ${amount}`);
  return amount;
}

function base(type: string, e: PaymentEventBase, data: Record<string, unknown>): InboundEvent {
  return {
    id: e.id,
    type,
    at: e.at,
    address: null,
    member: e.member ?? null,
    group: null,
    data: { orderId: e.orderId, paymentId: e.paymentId, provider: e.provider, ...data },
  };
}

export function paymentSucceeded(e: PaymentSucceeded): InboundEvent {
  return base(PAYMENT_EVENTS.succeeded, e, {
    amount: amountOf(e.amount),
    currency: e.currency.toUpperCase(),
    captured: e.captured,
  });
}

export function paymentFailed(e: PaymentFailed): InboundEvent {
  return base(PAYMENT_EVENTS.failed, e, { reason: e.reason });
}

export function paymentRefunded(e: PaymentRefunded): InboundEvent {
  return base(PAYMENT_EVENTS.refunded, e, {
    refundId: e.refundId,
    providerRefundId: e.providerRefundId,
    amount: amountOf(e.amount),
    currency: e.currency.toUpperCase(),
  });
}

const common = {
  orderId: Type.String({ description: 'Kith order id' }),
  paymentId: Type.String({ description: "The provider's payment id" }),
  provider: Type.String({ description: 'Payment plugin name' }),
};
const money = {
  amount: Type.Integer({ minimum: 0, description: 'Minor units (fen, cents)' }),
  currency: Type.String({ description: 'ISO 4217 code' }),
};

/** The triggers every payment plugin declares, with their `data` schemas. */
export const PAYMENT_TRIGGERS: readonly TriggerDefinition[] = [
  {
    event: PAYMENT_EVENTS.succeeded,
    description: 'A payment succeeded (or, for a pre-sale, was authorised: captured is false)',
    data: Type.Object({ ...common, ...money, captured: Type.Boolean({ description: 'False while held' }) }),
  },
  {
    event: PAYMENT_EVENTS.failed,
    description: 'A payment attempt failed or the checkout closed unpaid',
    data: Type.Object({ ...common, reason: Type.Union([Type.String(), Type.Null()]) }),
  },
  {
    event: PAYMENT_EVENTS.refunded,
    description: 'Money went back to the payer, in full or in part',
    data: Type.Object({
      ...common,
      ...money,
      refundId: Type.String({ description: "Kith's refund id (or the provider's)" }),
      providerRefundId: Type.String({ description: "The provider's refund id" }),
    }),
  },
];
