import type { PluginContext } from '../context/types.js';
import type { WebhookHandler } from '../webhook/types.js';

/** `manual` is a pre-sale: authorise now, then capture or void when the campaign settles. */
export type CaptureMode = 'automatic' | 'manual';

export interface CheckoutRequest {
  /** Kith's order id: put it in the provider's metadata so the payment webhook can name it. */
  order: string;
  offer: string;
  /** In the currency's minor unit (fen, cents): the offer's price at the member's tier, an integer. */
  amount: number;
  currency: string;
  member: string;
  /** What the payer sees on the provider's page and statement. */
  description: string;
  capture: CaptureMode;
  /** Stable across retries of this checkout (the effect's key): send it to the provider. */
  idempotencyKey: string;
  /** The member's id at the provider when the host knows it (a WeChat openid for JSAPI), else null. */
  payer: string | null;
}

export interface Checkout {
  /** Where the payer goes: a hosted page, a QR code's content (`weixin://…`), a page that starts the app's pay sheet. */
  url: string;
  providerCheckoutId: string;
  /** Parameters a client needs to start paying itself (WeChat JSAPI's signed `getBrandWCPayRequest` fields). */
  client?: Readonly<Record<string, string>>;
}

export interface PaymentQuery {
  order: string;
  /** The provider's payment id when known (from `payment.succeeded`); else the plugin finds it by order. */
  providerPaymentId: string | null;
}

/**
 * Where a payment stands at the provider. `authorized`: held, waiting for capture or void (a
 * pre-sale); `voided`: a hold released without capture.
 */
export type PaymentState = 'pending' | 'authorized' | 'paid' | 'failed' | 'voided';

export interface PaymentStatus {
  order: string;
  state: PaymentState;
  providerPaymentId: string | null;
  /** Minor units. */
  amount: number;
  currency: string;
  /** Minor units refunded so far (0 when none). */
  refunded: number;
}

export interface RefundRequest {
  order: string;
  /**
   * Kith's refund id: the provider's refund reference (so a retried refund is the same refund) and
   * the `refundId` of the `payment.refunded` the plugin reports for it.
   */
  refund: string;
  providerPaymentId: string;
  /** Minor units: the whole payment or a part of it. */
  amount: number;
  currency: string;
  reason: string | null;
}

export interface RefundResult {
  providerRefundId: string;
  /** `succeeded` when the provider settled it synchronously; either way `payment.refunded` follows from the webhook. */
  status: 'pending' | 'succeeded';
}

export interface CaptureRequest {
  order: string;
  providerPaymentId: string;
  /** Minor units to capture: the held amount, or less. */
  amount: number;
  currency: string;
}

export interface VoidRequest {
  order: string;
  providerPaymentId: string;
}

/**
 * A payment provider: checkouts out; `payment.succeeded`, `payment.failed` and `payment.refunded`
 * in through the webhook (data: see `paymentSucceeded`, `paymentFailed`, `paymentRefunded`).
 * Optional operations are left out by providers that cannot do them; the host then dead-letters
 * the effect with a clear message.
 */
export interface PaymentCapability<C> {
  currencies?: readonly string[];
  checkout(ctx: PluginContext<C>, request: CheckoutRequest): Promise<Checkout>;
  /** Asks the provider where a payment stands: reconciliation when a notification was lost. */
  query?(ctx: PluginContext<C>, request: PaymentQuery): Promise<PaymentStatus>;
  /** Full or partial; idempotent on `request.refund`. */
  refund?(ctx: PluginContext<C>, request: RefundRequest): Promise<RefundResult>;
  /** Captures a held (`manual`) payment. */
  capture?(ctx: PluginContext<C>, request: CaptureRequest): Promise<{ providerPaymentId: string }>;
  /** Releases a held payment without capturing it. */
  void?(ctx: PluginContext<C>, request: VoidRequest): Promise<void>;
  webhook?: WebhookHandler<C>;
}

export const PAYMENT_EVENTS = {
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
  refunded: 'payment.refunded',
} as const;

/** Effects the engine's ledger sends to payment plugins besides `payment.checkout`. */
export const PAYMENT_EFFECTS = {
  checkout: 'payment.checkout',
  capture: 'payment.capture',
  refund: 'payment.refund',
  void: 'payment.void',
} as const;
