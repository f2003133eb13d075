import { PAYMENT_EFFECTS } from '../mechanics/ledger/index.js';
import { type CheckoutData, EFFECTS } from '../model/effect.js';
import type { TestKit } from '../testing/harness.js';

/**
 * Pays the member's latest open checkout of the offer, as the payment provider would report it:
 * the order id from the checkout effect, a payment id of its own. Without one, says which
 * checkouts are open (`offer (order id)`).
 */
export async function payCheckout(
  kit: TestKit,
  member: string,
  offer: string,
  paymentId: string,
): Promise<{ paid: true } | { paid: false; open: string[] }> {
  const state = await kit.runtime.member(kit.tenant, member);
  const open = kit.effects
    .of(EFFECTS.checkout)
    .filter((e) => e.member === member)
    .map((e) => ({ target: e.target, data: e.data as unknown as CheckoutData }))
    .filter((c) => state?.orders[c.data.orderId]?.status === 'pending');
  const chosen = open.filter((c) => c.data.offer === offer).at(-1);
  if (chosen === undefined)
    return { paid: false, open: open.map((c) => `${c.data.offer} (${c.data.orderId})`) };
  const { orderId, amount, currency } = chosen.data;
  await kit.event('payment.succeeded', member, {
    orderId,
    paymentId,
    offer,
    amount,
    currency,
    provider: chosen.target,
  });
  return { paid: true };
}

/**
 * A refund as the provider reports it: the refund the engine asked for (a campaign that failed, a
 * duplicate charge) if one for this offer is not reported yet, else a full refund of the member's
 * latest paid order (the customer asked the provider directly). False when there is nothing to refund.
 */
export async function reportRefund(
  kit: TestKit,
  member: string,
  offer: string,
  reported: Set<string>,
  refundId: string,
): Promise<boolean> {
  const asked = kit.effects
    .of(PAYMENT_EFFECTS.refund)
    .find((e) => e.member === member && e.data.offer === offer && !reported.has(e.key));
  if (asked !== undefined) {
    reported.add(asked.key);
    const { orderId, paymentId, amount, currency } = asked.data;
    await kit.event('payment.refunded', member, {
      orderId,
      paymentId,
      refundId: asked.data.refundId,
      amount,
      currency,
      offer,
    });
    return true;
  }
  const state = await kit.runtime.member(kit.tenant, member);
  const order = Object.values(state?.orders ?? {})
    .filter((o) => o.offer === offer && o.status === 'paid')
    .sort((a, b) => (a.paidAt ?? 0) - (b.paidAt ?? 0))
    .at(-1);
  if (order === undefined) return false;
  await kit.event('payment.refunded', member, {
    orderId: order.id,
    refundId,
    offer,
    amount: order.amount,
    currency: order.currency,
  });
  return true;
}
