import type { PaymentCapability } from '@kith/sdk';
import { call, stripeClient } from './client.js';
import type { StripeConfig } from './config.js';

type Capability = PaymentCapability<StripeConfig>;

/** Captures a held PaymentIntent (a pre-sale that reached its threshold), all of it or less. */
export const capture: NonNullable<Capability['capture']> = async (ctx, r) => {
  const pi = await call('capture payment intent', () =>
    stripeClient(ctx).paymentIntents.capture(
      r.providerPaymentId,
      { amount_to_capture: r.amount },
      { idempotencyKey: ctx.idempotencyKey ?? `kith-capture-${r.providerPaymentId}` },
    ),
  );
  return { providerPaymentId: pi.id };
};

/** Cancels a held PaymentIntent: the authorisation is released and no money moves. */
export const voidPayment: NonNullable<Capability['void']> = async (ctx, r) => {
  await call('cancel payment intent', () =>
    stripeClient(ctx).paymentIntents.cancel(
      r.providerPaymentId,
      { cancellation_reason: 'abandoned' },
      { idempotencyKey: ctx.idempotencyKey ?? `kith-void-${r.providerPaymentId}` },
    ),
  );
};
