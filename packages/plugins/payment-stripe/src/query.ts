import { type PaymentCapability, type PaymentState, PluginError } from '@kith/sdk';
import type Stripe from 'stripe';
import { sessionKey } from './checkout.js';
import { call, idOf, stripeClient } from './client.js';
import type { StripeConfig } from './config.js';

function stateOf(pi: Stripe.PaymentIntent): PaymentState {
  switch (pi.status) {
    case 'succeeded':
      return 'paid';
    case 'requires_capture':
      return 'authorized';
    case 'canceled':
      // cancelled after a failed attempt is a failure; otherwise a hold (or an unpaid intent) released
      return pi.last_payment_error ? 'failed' : 'voided';
    default:
      return pi.last_payment_error ? 'failed' : 'pending';
  }
}

/** Where a payment stands: by PaymentIntent when known, else through the order's Checkout Session. */
export const query: NonNullable<PaymentCapability<StripeConfig>['query']> = async (ctx, r) => {
  const stripe = stripeClient(ctx);
  let piId = r.providerPaymentId;
  let currency: string | null = null;
  let amount = 0;
  if (piId === null) {
    const sessionId = await ctx.kv.get<string>(sessionKey(r.order));
    if (sessionId === undefined)
      throw PluginError.permanent(`no checkout session known for order ${r.order}`);
    const session = await call('retrieve checkout session', () =>
      stripe.checkout.sessions.retrieve(sessionId),
    );
    piId = idOf(session.payment_intent);
    currency = session.currency;
    amount = session.amount_total ?? 0;
    if (piId === null) {
      const state: PaymentState = session.status === 'expired' ? 'failed' : 'pending';
      return {
        order: r.order,
        state,
        providerPaymentId: null,
        amount,
        currency: (currency ?? '').toUpperCase(),
        refunded: 0,
      };
    }
  }
  const id = piId;
  const pi = await call('retrieve payment intent', () =>
    stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] }),
  );
  const charge = pi.latest_charge;
  const refunded = charge !== null && typeof charge === 'object' ? charge.amount_refunded : 0;
  return {
    order: r.order,
    state: stateOf(pi),
    providerPaymentId: pi.id,
    amount: pi.amount,
    currency: pi.currency.toUpperCase(),
    refunded,
  };
};
