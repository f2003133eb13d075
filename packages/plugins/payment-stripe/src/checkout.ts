import type { PaymentCapability } from '@kith/sdk';
import { call, stripeClient } from './client.js';
import { META, type StripeConfig } from './config.js';

/** The kv key under which a checkout's session id is kept, for `query` by order. */
export const sessionKey = (order: string): string => `session:${order}`;

/**
 * A Checkout Session in `payment` mode for one line at the order's price. The order id rides in
 * `client_reference_id` and in the metadata of the session and of its PaymentIntent, so every
 * webhook (session, intent, refund) can name the order. A pre-sale holds the money
 * (`capture_method: manual`) until the ledger asks for the capture or the void.
 */
export const checkout: PaymentCapability<StripeConfig>['checkout'] = async (ctx, r) => {
  const metadata = { [META.order]: r.order, [META.member]: r.member, [META.capture]: r.capture };
  const session = await call('create checkout session', () =>
    stripeClient(ctx).checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: r.order,
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: r.currency.toLowerCase(),
              unit_amount: r.amount,
              product_data: { name: r.description, metadata: { kith_offer: r.offer } },
            },
          },
        ],
        metadata,
        payment_intent_data: {
          metadata,
          ...(r.capture === 'manual' ? { capture_method: 'manual' as const } : {}),
        },
        success_url: ctx.config.successUrl,
        ...(ctx.config.cancelUrl === undefined ? {} : { cancel_url: ctx.config.cancelUrl }),
      },
      { idempotencyKey: r.idempotencyKey },
    ),
  );
  await ctx.kv.set(sessionKey(r.order), session.id);
  return { url: session.url ?? '', providerCheckoutId: session.id };
};
