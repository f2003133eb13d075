import { campaignsPlan } from '../campaigns/plan.js';
import { withdraw } from '../campaigns/sales.js';
import { updateSales } from '../campaigns/store.js';
import { accrueCommissions } from '../referrals/commission.js';
import type { MoneyContext } from './context.js';
import { captureEffect, returnEffect } from './effects.js';
import { cancel, capture, kept, primaryPayment, requestReturn } from './orders.js';
import type { LedgerOrder, RefusalReason } from './types.js';

/**
 * The order counts from now (paid, or its campaign succeeded): a held payment is captured (the
 * plugin is asked to), and its commissions accrue. Idempotent: a confirmed order stays as it is,
 * and what it asked for is asked again under the same keys.
 */
export async function confirmOrder(ctx: MoneyContext, orderId: string): Promise<LedgerOrder | undefined> {
  const done = await ctx.ledger.updateOrder(orderId, (o) => {
    const p = primaryPayment(o);
    if (o.status === 'cancelled' || p === undefined || p.state === 'voided') return false;
    capture(o, p, ctx.now);
    if (o.confirmedAt === null) {
      o.confirmedAt = ctx.now;
      o.commissionBase = Math.min(o.amount, kept(o));
    }
    return true;
  });
  if (done === undefined || !done.result) return done?.order;
  const order = done.order;
  const p = primaryPayment(order);
  if (p?.held === true) ctx.effects.push(captureEffect(ctx.tenant, order, p, ctx.now));
  await accrueCommissions(ctx, order);
  return order;
}

/**
 * Refuses a payment: its money goes back (a refund, or a void for a hold) and, unless it was a
 * second charge for a paid order, the order is cancelled. Idempotent per payment.
 */
export async function refuseOrder(
  ctx: MoneyContext,
  orderId: string,
  reason: RefusalReason,
  paymentId: string | null = null,
): Promise<LedgerOrder | undefined> {
  const done = await ctx.ledger.updateOrder(orderId, (o) => {
    const payment = paymentId === null ? primaryPayment(o) : o.payments.find((p) => p.id === paymentId);
    if (payment?.excess !== true) cancel(o, reason, ctx.now);
    const request = payment === undefined ? null : requestReturn(o, payment, reason, ctx.now);
    return { request, currency: payment?.currency ?? o.currency, excess: payment?.excess === true };
  });
  if (done === undefined) return undefined;
  const { request, currency, excess } = done.result;
  if (request !== null) ctx.effects.push(returnEffect(ctx.tenant, done.order, request, currency));
  const limited = campaignsPlan(ctx.env.playbook)?.offers.has(done.order.offer) === true;
  if (!excess && limited)
    await updateSales(ctx.env.store, ctx.tenant, done.order.offer, (s) => withdraw(s, orderId));
  return done.order;
}
