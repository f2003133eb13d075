import {
  type CheckoutRequest,
  createEffectDeliverer,
  type Effect,
  handleWebhook,
  instantiatePlugin,
  isPluginError,
  memoryKv,
  type PluginInstance,
  pluginCatalogueEntry,
} from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import type { WebhookRequest } from '@kith/sdk/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStripe, startFakeStripe } from './fake-stripe.js';
import { stripePayments } from './plugin.js';

let fake: FakeStripe;
const now = Date.UTC(2026, 4, 1, 12, 0, 0);
const clock = { now: () => now };
const kv = memoryKv(clock);
let instance: PluginInstance;

const config = () => ({
  baseUrl: fake.baseUrl,
  apiKey: '${secrets.STRIPE_KEY}',
  webhookSecret: '${secrets.STRIPE_WHSEC}',
  successUrl: 'https://kith.example/paid?session={CHECKOUT_SESSION_ID}',
});
const secrets = () => ({ STRIPE_KEY: fake.secretKey, STRIPE_WHSEC: fake.webhookSecret });

function ctx(idempotencyKey: string | null = null) {
  const c = config();
  const resolved = { ...c, apiKey: fake.secretKey, webhookSecret: fake.webhookSecret };
  return createTestContext(stripePayments, resolved, { clock, kv, idempotencyKey });
}

function order(n: string, extra: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    order: `ord-${n}`,
    offer: 'founding',
    amount: 1999,
    currency: 'USD',
    member: 'ann',
    description: 'Founding membership',
    capture: 'automatic',
    idempotencyKey: `t1/ord-${n}/checkout`,
    payer: null,
    ...extra,
  };
}

const payment = () => {
  const p = stripePayments.capabilities.payment;
  if (p === null) throw new Error('no payment capability');
  return p;
};

const hook = (req: WebhookRequest) => handleWebhook(instance, req, { tenant: 't1', clock });

async function paidSession(n: string, extra: Partial<CheckoutRequest> = {}) {
  const made = await payment().checkout(ctx(), order(n, extra));
  const event = fake.complete(made.providerCheckoutId);
  return {
    made,
    event,
    pi: String((event.data as { object: { payment_intent: string } }).object.payment_intent),
  };
}

beforeAll(async () => {
  fake = await startFakeStripe({ now: clock.now });
  const r = instantiatePlugin({
    id: 'stripe',
    plugin: stripePayments,
    with: config(),
    secrets: secrets(),
    kv,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  instance = r.instance;
});
afterAll(() => fake.close());

describe('checkout', () => {
  it('creates a payment-mode session with an integer unit_amount, the order id and an idempotency key', async () => {
    const made = await payment().checkout(ctx(), order('1'));
    expect(made.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const call = fake.calls.findLast((c) => c.path === '/v1/checkout/sessions');
    expect(call).toMatchObject({
      method: 'POST',
      idempotencyKey: 't1/ord-1/checkout',
      params: {
        mode: 'payment',
        client_reference_id: 'ord-1',
        line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '1999' } }],
        metadata: { kith_order: 'ord-1', kith_member: 'ann', kith_capture: 'automatic' },
        payment_intent_data: { metadata: { kith_order: 'ord-1' } },
      },
    });
    expect(call?.params.payment_intent_data).not.toHaveProperty('capture_method');
  });

  it('a retried checkout with the same key gets the same session back', async () => {
    const a = await payment().checkout(ctx(), order('2'));
    const b = await payment().checkout(ctx(), order('2'));
    expect(b.providerCheckoutId).toBe(a.providerCheckoutId);
    // the same key with other parameters is Stripe's idempotency_error: a bug, not a retry
    const err = await payment()
      .checkout(ctx(), order('2', { amount: 2999 }))
      .catch((e: unknown) => e);
    expect(isPluginError(err) && err.kind).toBe('permanent');
  });

  it('asks for a manual capture for a pre-sale', async () => {
    await payment().checkout(ctx(), order('3', { capture: 'manual' }));
    const call = fake.calls.findLast((c) => c.path === '/v1/checkout/sessions');
    expect(call?.params.payment_intent_data).toMatchObject({ capture_method: 'manual' });
  });

  it("maps Stripe's errors to PluginError kinds", async () => {
    const kinds: unknown[] = [];
    for (const f of ['rate-limited', 'server-error', 'auth'] as const) {
      fake.failNext(f);
      const e = await payment()
        .checkout(ctx(), order(`err-${f}`))
        .catch((x: unknown) => x);
      kinds.push(isPluginError(e) ? [e.kind, e.retryAfterMs] : e);
    }
    expect(kinds).toEqual([
      ['rate-limited', 2000],
      ['transient', null],
      ['auth', null],
    ]);
  });
});

describe('webhook', () => {
  it('accepts checkout.session.completed signed as the Stripe SDK signs it', async () => {
    const { event, pi } = await paidSession('10');
    const out = await hook(fake.signed(event));
    expect(out).toMatchObject({
      status: 'accepted',
      ack: 'ingested',
      events: [
        {
          id: `stripe:${event.id}`,
          type: 'payment.succeeded',
          member: 'ann',
          data: {
            orderId: 'ord-10',
            paymentId: pi,
            amount: 1999,
            currency: 'USD',
            provider: 'stripe',
            captured: true,
          },
        },
      ],
    });
  });

  it('refuses a tampered body, a wrong key, a stale timestamp and a replay, producing no event', async () => {
    const { event } = await paidSession('11');
    const good = fake.signed(event);
    const tampered = {
      ...good,
      body: new TextEncoder().encode(new TextDecoder().decode(good.body).replace('1999', '1')),
    };
    const wrongKey = fake.signed(event, { secret: 'whsec_someone_else' });
    const stale = fake.signed(event, { timestamp: Math.floor(now / 1000) - 301 });
    // a replay: the request captured now, sent again six minutes later…
    const captured = fake.signed(event);
    const later = now + 6 * 60_000;
    const replay = await handleWebhook(instance, captured, { tenant: 't1', clock: { now: () => later } });
    // …or with its `t=` moved forward, which the signature covers
    const header = captured.headers['stripe-signature'] ?? '';
    const refreshed = {
      ...captured,
      headers: {
        ...captured.headers,
        'stripe-signature': header.replace(/t=\d+/, `t=${Math.floor(later / 1000)}`),
      },
    };
    const outcomes = [
      await hook(tampered),
      await hook(wrongKey),
      await hook(stale),
      replay,
      await handleWebhook(instance, refreshed, { tenant: 't1', clock: { now: () => later } }),
      await hook({ ...good, headers: {} }),
    ];
    expect(outcomes.map((o) => (o.status === 'rejected' ? o.reason : 'accepted'))).toEqual([
      'bad-signature',
      'bad-signature',
      'stale',
      'stale',
      'bad-signature',
      'missing-signature',
    ]);
    for (const o of outcomes) expect(o).not.toHaveProperty('events');
  });

  it('the same notification delivered five times at once is one event id', async () => {
    const { event } = await paidSession('12');
    const outs = await Promise.all(Array.from({ length: 5 }, () => hook(fake.signed(event))));
    const ids = outs.flatMap((o) => (o.status === 'accepted' ? o.events.map((e) => e.id) : ['rejected']));
    expect(ids).toHaveLength(5);
    expect(new Set(ids)).toEqual(new Set([`stripe:${event.id}`]));
  });

  it('a declined card is payment.failed', async () => {
    const made = await payment().checkout(ctx(), order('13'));
    const event = fake.decline(made.providerCheckoutId);
    const out = await hook(fake.signed(event));
    expect(out).toMatchObject({
      status: 'accepted',
      events: [{ type: 'payment.failed', data: { orderId: 'ord-13', reason: 'card_declined' } }],
    });
  });

  it('ignores event types it does not map', async () => {
    const out = await hook(fake.signed(fake.event('customer.created', { id: 'cus_1', object: 'customer' })));
    expect(out).toMatchObject({ status: 'accepted', events: [] });
  });
});

describe('refunds', () => {
  it('partial, then the rest: each refund is reported once with Kith’s refund id', async () => {
    const { pi } = await paidSession('20');
    const first = await payment().refund?.(ctx(), {
      order: 'ord-20',
      refund: 'rf-a',
      providerPaymentId: pi,
      amount: 500,
      currency: 'USD',
      reason: 'partial',
    });
    expect(first).toMatchObject({ status: 'succeeded', providerRefundId: expect.stringMatching(/^re_/) });
    expect(fake.calls.findLast((c) => c.path === '/v1/refunds')).toMatchObject({
      idempotencyKey: 'kith-refund-rf-a',
      params: { amount: '500', payment_intent: pi, metadata: { kith_refund: 'rf-a' } },
    });
    // retried refund effect: the same refund, not a second one
    const again = await payment().refund?.(ctx(), {
      order: 'ord-20',
      refund: 'rf-a',
      providerPaymentId: pi,
      amount: 500,
      currency: 'USD',
      reason: 'partial',
    });
    expect(again?.providerRefundId).toBe(first?.providerRefundId);
    const out1 = await hook(fake.signed(fake.chargeRefunded(pi)));
    expect(out1).toMatchObject({
      status: 'accepted',
      events: [
        {
          type: 'payment.refunded',
          data: { orderId: 'ord-20', refundId: 'rf-a', amount: 500, paymentId: pi },
        },
      ],
    });

    await payment().refund?.(ctx(), {
      order: 'ord-20',
      refund: 'rf-b',
      providerPaymentId: pi,
      amount: 1499,
      currency: 'USD',
      reason: null,
    });
    const out2 = await hook(fake.signed(fake.chargeRefunded(pi)));
    const events = out2.status === 'accepted' ? out2.events : [];
    expect(events.map((e) => [e.data?.refundId, e.data?.amount])).toEqual([
      ['rf-b', 1499],
      ['rf-a', 500],
    ]);
    // the first refund, listed again, keeps its id: the engine ingests it once
    expect(events[1]?.id).toBe(out1.status === 'accepted' ? out1.events[0]?.id : null);
    expect(await payment().query?.(ctx(), { order: 'ord-20', providerPaymentId: pi })).toMatchObject({
      state: 'paid',
      amount: 1999,
      refunded: 1999,
    });
    const over = await payment()
      .refund?.(ctx(), {
        order: 'ord-20',
        refund: 'rf-c',
        providerPaymentId: pi,
        amount: 1,
        currency: 'USD',
        reason: null,
      })
      .catch((e: unknown) => e);
    expect(isPluginError(over) && over.kind).toBe('permanent');
  });
});

describe('pre-sale holds', () => {
  it('a held payment is reported uncaptured, then captured', async () => {
    const { event, pi } = await paidSession('30', { capture: 'manual' });
    const out = await hook(fake.signed(event));
    expect(out).toMatchObject({
      events: [{ type: 'payment.succeeded', data: { captured: false, amount: 1999 } }],
    });
    expect(await payment().query?.(ctx(), { order: 'ord-30', providerPaymentId: null })).toMatchObject({
      state: 'authorized',
      providerPaymentId: pi,
    });
    await payment().capture?.(ctx('t1/ledger/ord-30/capture'), {
      order: 'ord-30',
      providerPaymentId: pi,
      amount: 1999,
      currency: 'USD',
    });
    expect(fake.calls.findLast((c) => c.path.endsWith('/capture'))).toMatchObject({
      idempotencyKey: 't1/ledger/ord-30/capture',
      params: { amount_to_capture: '1999' },
    });
    expect(fake.intent(pi)).toMatchObject({ status: 'succeeded', amount_received: 1999 });
  });

  it('a void releases the hold, reached through the ledger effect shape', async () => {
    const { pi } = await paidSession('31', { capture: 'manual' });
    const deliverer = createEffectDeliverer({ instances: [instance], clock });
    const effect: Effect = {
      key: 't1/ledger/ord-31/void/rf-31',
      tenant: 't1',
      member: 'ann',
      instance: null,
      step: null,
      type: 'payment.void',
      target: 'stripe',
      data: {
        orderId: 'ord-31',
        paymentId: pi,
        refundId: 'rf-31',
        amount: 1999,
        currency: 'USD',
        reason: 'campaign-failed',
        offer: 'founding',
        member: 'ann',
        campaign: 'spring',
      },
      notBefore: 0,
    };
    expect(await deliverer.deliver(effect, 1)).toEqual({ ok: true });
    expect(fake.intent(pi)).toMatchObject({ status: 'canceled', amount_capturable: 0 });
    expect(await payment().query?.(ctx(), { order: 'ord-31', providerPaymentId: pi })).toMatchObject({
      state: 'voided',
    });
  });

  it('the catalogue advertises holds and refunds', () => {
    expect(pluginCatalogueEntry(stripePayments).capabilities.payment).toMatchObject({
      holds: true,
      refunds: true,
    });
  });
});
