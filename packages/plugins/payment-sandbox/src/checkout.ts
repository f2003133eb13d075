import type { PaymentCapability } from '@kith/sdk';
import { type CheckoutView, sandboxCall } from './client.js';
import type { SandboxConfig } from './config.js';
import { planFor } from './rules.js';

/**
 * Registers the checkout with the sandbox service together with its fate (the plan from the
 * config's rules and the order id), under the effect's idempotency key: a retried checkout is
 * the same one. The payer's URL is the service's page, where `ask` checkouts are decided by hand.
 */
export const checkout: PaymentCapability<SandboxConfig>['checkout'] = async (ctx, r) => {
  const c = await sandboxCall<CheckoutView>(
    ctx,
    'create checkout',
    'POST',
    '/v1/checkouts',
    {
      order: r.order,
      member: r.member,
      amount: r.amount,
      currency: r.currency,
      description: r.description,
      capture: r.capture,
      plan: planFor(ctx.config, r.order, ctx.clock.now()),
    },
    r.idempotencyKey,
  );
  return { url: c.url, providerCheckoutId: c.id };
};
