import type { PluginContext } from '../context/types.js';
import type { WebhookHandler } from '../webhook/types.js';

export interface CheckoutRequest {
  /** Kith's order id: put it in the provider's metadata so the payment webhook can name it. */
  order: string;
  offer: string;
  /** In the currency's minor unit (fen, cents). */
  amount: number;
  currency: string;
  member: string;
}

export interface Checkout {
  url: string;
  providerCheckoutId: string;
}

export interface RefundRequest {
  order: string;
  providerPaymentId: string;
  amount: number;
  currency: string;
}

/**
 * A payment provider: checkouts out, `payment.succeeded` / `payment.refunded` in through the
 * webhook (data: `{ order, amount, currency, providerPaymentId }`).
 */
export interface PaymentCapability<C> {
  currencies?: readonly string[];
  checkout(ctx: PluginContext<C>, request: CheckoutRequest): Promise<Checkout>;
  refund?(ctx: PluginContext<C>, request: RefundRequest): Promise<{ providerRefundId: string }>;
  webhook?: WebhookHandler<C>;
}

export const PAYMENT_EVENTS = {
  succeeded: 'payment.succeeded',
  refunded: 'payment.refunded',
} as const;
