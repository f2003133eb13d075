import type { CompiledOffer, CompiledStepOf } from '../../compile/types.js';
import { CONTINUE, type Control } from '../../compile/types.js';
import { type CheckoutData, EFFECTS } from '../../model/effect.js';
import { EVENTS } from '../../model/event.js';
import { emptyList, type Order, ownRecord } from '../../model/member.js';
import type { Run } from '../run.js';
import { sendMessage } from './send.js';

/** The price for a tier: its tier price, else the offer's price. Integers in minor units only. */
export function tierPrice(offer: CompiledOffer, tier: string): number {
  const p = offer.tierPrice[tier];
  return p ?? offer.price;
}

/** Creates the order at the member's tier price (fixed now, whatever happens to the tier later). */
function createOrder(
  run: Run,
  offerId: string,
  paymentId: string,
): { order: Order; offer: CompiledOffer; url: string } | null {
  const offer = run.playbook.offers.get(offerId);
  if (offer === undefined) return null;
  const inst = run.instance!;
  const id = `${inst.id}@${run.step!.id}`;
  const order: Order = {
    id,
    offer: offer.id,
    amount: tierPrice(offer, run.profile.tier),
    currency: offer.currency,
    tier: run.profile.tier,
    status: 'pending',
    createdAt: run.now,
    paidAt: null,
    payment: null,
    refunded: 0,
    // the shared empty list (most orders are never refunded); a refund replaces it
    refunds: emptyList(),
    instance: inst.id,
    step: run.step!.id,
  };
  run.state.orders = ownRecord(run.state.orders);
  run.state.orders[id] = order;
  const url = run.kernel.options.checkoutUrl(run.tenant, id);
  const checkout: CheckoutData = {
    orderId: id,
    offer: offer.id,
    amount: order.amount,
    currency: order.currency,
    url,
    member: run.state.id,
    description: run.render(offer.name) || offer.id,
    capture: offer.capture,
  };
  run.effect(EFFECTS.checkout, paymentId || offer.payment, checkout as unknown as Record<string, unknown>);
  run.emit(EVENTS.orderCreated, {
    orderId: id,
    offer: offer.id,
    amount: order.amount,
    currency: order.currency,
    tier: order.tier,
  });
  return { order, offer, url };
}

const DEFAULT_TEXT = (scope: Record<string, unknown>): string => {
  const offer = scope.offer as { name?: string } | null;
  const checkout = scope.checkout as { url?: string } | null;
  return `${offer?.name ?? ''} ${checkout?.url ?? ''}`.trim();
};

export function execOffer(step: CompiledStepOf<'offer'>, run: Run): Control {
  const made = createOrder(run, step.offer, step.payment);
  if (made === null) {
    run.output = { error: `unknown offer '${step.offer}'` };
    return CONTINUE;
  }
  const { order, offer, url } = made;
  run.scope.offer = {
    id: offer.id,
    name: run.render(offer.name) ?? offer.id,
    description: run.render(offer.description) ?? '',
    price: order.amount,
    listPrice: offer.price,
    currency: offer.currency,
  };
  run.scope.price = order.amount;
  run.scope.checkout = { url, orderId: order.id };
  const sent = sendMessage(
    run,
    {
      channel: step.channel,
      to: 'member',
      text: null,
      subject: null,
      html: null,
      image: null,
      buttons: [],
      critical: false,
    },
    step.text ?? DEFAULT_TEXT,
  );
  // offer and tier in the output too: the ledger records the order as it was made, from the step log
  run.output = {
    orderId: order.id,
    offer: offer.id,
    tier: order.tier,
    amount: order.amount,
    currency: order.currency,
    message: sent.status,
  };
  return CONTINUE;
}

export function execCharge(step: CompiledStepOf<'charge'>, run: Run): Control {
  const made = createOrder(run, step.offer, step.payment);
  run.output =
    made === null
      ? { error: `unknown offer '${step.offer}'` }
      : {
          orderId: made.order.id,
          offer: made.offer.id,
          tier: made.order.tier,
          amount: made.order.amount,
          currency: made.order.currency,
        };
  return CONTINUE;
}
