import type { PaymentCapability } from '@kith/sdk';
import { call, stripeClient } from './client.js';
import { META, type StripeConfig } from './config.js';

/**
 * A full or partial refund of the PaymentIntent. Kith's refund id is the idempotency key (a
 * retried effect is the same refund) and goes in the refund's metadata, so `charge.refunded`
 * reports it back as the `refundId` the ledger waits for.
 */
export const refund: NonNullable<PaymentCapability<StripeConfig>['refund']> = async (ctx, r) => {
  const created = await call('create refund', () =>
    stripeClient(ctx).refunds.create(
      {
        payment_intent: r.providerPaymentId,
        amount: r.amount,
        metadata: {
          [META.order]: r.order,
          [META.refund]: r.refund,
          ...(r.reason ? { kith_reason: r.reason } : {}),
        },
      },
      { idempotencyKey: `kith-refund-${r.refund}` },
    ),
  );
  return { providerRefundId: created.id, status: created.status === 'succeeded' ? 'succeeded' : 'pending' };
};
