import {
  type InboundEvent,
  type PluginContext,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  type VerifyFailureReason,
  type WebhookHandler,
} from '@kith/sdk';
import { header } from '@kith/sdk/webhook';
import Stripe from 'stripe';
import { call, idOf, stripeClient } from './client.js';
import { META, type StripeConfig } from './config.js';

/** Stripe's own default: a signature older than five minutes is refused. */
export const TOLERANCE_SECONDS = 300;
const PROVIDER = 'stripe';

// The signature is over the raw body: verify with the SDK's constructEvent, never re-serialise.
function construct(ctx: PluginContext<StripeConfig>, body: Uint8Array, signature: string): Stripe.Event {
  return Stripe.webhooks.constructEvent(
    Buffer.from(body),
    signature,
    ctx.config.webhookSecret,
    TOLERANCE_SECONDS,
    undefined,
    ctx.clock.now(),
  );
}

function reasonOf(message: string): VerifyFailureReason {
  if (/tolerance/i.test(message)) return 'stale';
  if (/unable to extract|no signatures found with expected scheme/i.test(message)) return 'malformed';
  return 'bad-signature';
}

function meta(m: Stripe.Metadata | null | undefined, key: string): string | null {
  const v = m?.[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

async function sessionEvents(event: Stripe.Event, session: Stripe.Checkout.Session): Promise<InboundEvent[]> {
  const orderId = session.client_reference_id ?? meta(session.metadata, META.order);
  const paymentId = idOf(session.payment_intent);
  if (orderId === null || paymentId === null) return [];
  const held = meta(session.metadata, META.capture) === 'manual';
  const base = {
    id: event.id,
    at: event.created * 1000,
    orderId,
    paymentId,
    provider: PROVIDER,
    member: meta(session.metadata, META.member),
  };
  if (event.type === 'checkout.session.async_payment_failed')
    return [paymentFailed({ ...base, reason: 'async payment failed' })];
  // a held pre-sale completes `unpaid` (authorised, not captured); otherwise only `paid` is money
  if (session.status !== 'complete' || (!held && session.payment_status !== 'paid')) return [];
  return [
    paymentSucceeded({
      ...base,
      amount: session.amount_total ?? 0,
      currency: session.currency ?? '',
      captured: !held,
    }),
  ];
}

/**
 * `charge.refunded` says the charge's refunded total changed, not which refund did it (API
 * versions since 2022-11-15 no longer embed the refunds), so the plugin lists the intent's
 * refunds. Each succeeded refund becomes one event keyed by the refund id: the same refund,
 * reported again by the next partial refund's event, dedupes in the engine.
 */
async function refundEvents(
  ctx: PluginContext<StripeConfig>,
  charge: Stripe.Charge,
): Promise<InboundEvent[]> {
  const paymentId = idOf(charge.payment_intent);
  if (paymentId === null) return [];
  const stripe = stripeClient(ctx);
  const [pi, refunds] = await Promise.all([
    call('retrieve payment intent', () => stripe.paymentIntents.retrieve(paymentId)),
    call('list refunds', () => stripe.refunds.list({ payment_intent: paymentId, limit: 100 })),
  ]);
  const orderId = meta(pi.metadata, META.order);
  if (orderId === null) return [];
  return refunds.data
    .filter((r) => r.status === 'succeeded')
    .map((r) =>
      paymentRefunded({
        id: `refund:${r.id}`,
        at: r.created * 1000,
        orderId,
        paymentId,
        provider: PROVIDER,
        member: meta(pi.metadata, META.member),
        refundId: meta(r.metadata, META.refund) ?? r.id,
        providerRefundId: r.id,
        amount: r.amount,
        currency: r.currency,
      }),
    );
}

function failedEvents(event: Stripe.Event, pi: Stripe.PaymentIntent): InboundEvent[] {
  const orderId = meta(pi.metadata, META.order);
  if (orderId === null) return [];
  const err = pi.last_payment_error;
  return [
    paymentFailed({
      id: event.id,
      at: event.created * 1000,
      orderId,
      paymentId: pi.id,
      provider: PROVIDER,
      member: meta(pi.metadata, META.member),
      reason: err?.code ?? err?.message ?? null,
    }),
  ];
}

/**
 * `Stripe-Signature` verified by the official SDK (HMAC-SHA256 over `t.body`, 300 s tolerance
 * against the context's clock). Redeliveries of an event keep its `evt_…` id, so they map to the
 * same Kith event id and the engine ingests them once.
 */
export const webhook: WebhookHandler<StripeConfig> = {
  async verify(ctx, request) {
    const signature = header(request, 'stripe-signature');
    if (signature === undefined || signature === '')
      return { ok: false, reason: 'missing-signature', message: 'no Stripe-Signature header' };
    try {
      construct(ctx, request.body, signature);
      return { ok: true };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return { ok: false, reason: reasonOf(message), message };
    }
  },

  async parse(ctx, request) {
    const event = construct(ctx, request.body, header(request, 'stripe-signature') ?? '');
    let events: InboundEvent[] = [];
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
      case 'checkout.session.async_payment_failed':
        events = await sessionEvents(event, event.data.object);
        break;
      case 'payment_intent.payment_failed':
        events = failedEvents(event, event.data.object);
        break;
      case 'charge.refunded':
        events = await refundEvents(ctx, event.data.object);
        break;
    }
    // Stripe retries any non-2xx for three days: acknowledge only what the engine has taken
    return { events, ack: 'ingested' };
  },
};
