import type { PaymentCapability } from '@kith/sdk';
import { type CheckoutView, sandboxCall } from './client.js';
import type { SandboxConfig } from './config.js';

type Capability = PaymentCapability<SandboxConfig>;

export const query: NonNullable<Capability['query']> = async (ctx, r) => {
  const c = await sandboxCall<CheckoutView>(
    ctx,
    'query',
    'GET',
    `/v1/checkouts/${encodeURIComponent(r.order)}`,
  );
  return {
    order: r.order,
    state: c.state,
    providerPaymentId: c.state === 'pending' ? null : c.payment,
    amount: c.amount,
    currency: c.currency,
    refunded: c.refunded,
  };
};

/** Full or partial; the service treats Kith's refund id as the refund's identity. */
export const refund: NonNullable<Capability['refund']> = async (ctx, r) => {
  const res = await sandboxCall<{ id: string }>(
    ctx,
    'refund',
    'POST',
    '/v1/refunds',
    { payment: r.providerPaymentId, amount: r.amount, refund: r.refund, reason: r.reason },
    r.refund,
  );
  return { providerRefundId: res.id, status: 'pending' };
};

export const capture: NonNullable<Capability['capture']> = async (ctx, r) => {
  await sandboxCall(
    ctx,
    'capture',
    'POST',
    `/v1/payments/${encodeURIComponent(r.providerPaymentId)}/capture`,
    {
      amount: r.amount,
    },
  );
  return { providerPaymentId: r.providerPaymentId };
};

export const voidPayment: NonNullable<Capability['void']> = async (ctx, r) => {
  await sandboxCall(ctx, 'void', 'POST', `/v1/payments/${encodeURIComponent(r.providerPaymentId)}/void`, {});
};
