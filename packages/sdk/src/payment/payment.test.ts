import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { CONTEXT_VERSION } from '../context/types.js';
import type { Effect } from '../engine.js';
import { createEffectDeliverer } from '../host/deliverer.js';
import { instantiatePlugin } from '../host/instance.js';
import { answerWebhook, handleWebhook } from '../host/webhook.js';
import { pluginCatalogueEntry } from '../plugin/catalogue.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { webhookRequest } from '../webhook/request.js';
import { PAYMENT_TRIGGERS, paymentRefunded, paymentSucceeded } from './events.js';
import { currencyExponent, formatMinor, parseMinor } from './money.js';
import type { CaptureRequest, CheckoutRequest, RefundRequest, VoidRequest } from './types.js';

describe('money in minor units', () => {
  it('formats and parses by string arithmetic, per currency exponent', () => {
    expect(currencyExponent('cny')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(formatMinor(1, 'CNY')).toBe('0.01');
    expect(formatMinor(123456, 'CNY')).toBe('1234.56');
    expect(formatMinor(500, 'JPY')).toBe('500');
    expect(formatMinor(1, 'KWD')).toBe('0.001');
    expect(() => formatMinor(0.1, 'CNY')).toThrow(RangeError);
    expect(parseMinor('0.01', 'CNY')).toBe(1);
    expect(parseMinor('12.3', 'CNY')).toBe(1230);
    expect(parseMinor('12', 'CNY')).toBe(1200);
    expect(parseMinor('0.30', 'CNY')).toBe(30);
    for (const bad of ['12.345', '-1', '1e3', '', '1.', '99999999999999999999']) {
      expect(parseMinor(bad, 'CNY')).toBeNull();
    }
  });

  it('round-trips every amount it formats', () => {
    for (const n of [0, 1, 9, 10, 99, 100, 101, 1999, 2_000_000_01]) {
      expect(parseMinor(formatMinor(n, 'CNY'), 'CNY')).toBe(n);
    }
  });
});

describe('normalised payment events', () => {
  it('carry the ledger field names and refuse non-integer amounts', () => {
    const e = paymentSucceeded({
      id: 'evt_1',
      at: 5,
      orderId: 'o1',
      paymentId: 'pi_1',
      provider: 'stripe',
      member: 'ann',
      amount: 1999,
      currency: 'usd',
      captured: true,
    });
    expect(e).toEqual({
      id: 'evt_1',
      type: 'payment.succeeded',
      at: 5,
      address: null,
      member: 'ann',
      group: null,
      data: {
        orderId: 'o1',
        paymentId: 'pi_1',
        provider: 'stripe',
        amount: 1999,
        currency: 'USD',
        captured: true,
      },
    });
    expect(() =>
      paymentRefunded({
        id: 'r',
        at: 0,
        orderId: 'o1',
        paymentId: 'pi_1',
        provider: 'x',
        refundId: 'r1',
        providerRefundId: 're_1',
        amount: 19.99,
        currency: 'USD',
      }),
    ).toThrow(/minor units/);
  });
});

type Calls = {
  checkout: CheckoutRequest[];
  capture: CaptureRequest[];
  refund: RefundRequest[];
  void: VoidRequest[];
};

function payPlugin(calls: Calls) {
  return definePlugin({
    name: 'pay-fixture',
    version: '1.0.0',
    displayName: 'Pay fixture',
    description: 'Records payment calls.',
    contextVersion: CONTEXT_VERSION,
    config: Type.Object({ key: Type.String({ description: 'Key' }) }),
    capabilities: {
      payment: {
        async checkout(_ctx, r) {
          calls.checkout.push(r);
          return { url: 'https://pay.example/1', providerCheckoutId: 'cs_1' };
        },
        async capture(_ctx, r) {
          calls.capture.push(r);
          return { providerPaymentId: r.providerPaymentId };
        },
        async refund(_ctx, r) {
          calls.refund.push(r);
          return { providerRefundId: 're_1', status: 'pending' };
        },
        async void(_ctx, r) {
          calls.void.push(r);
        },
        webhook: {
          verify: async () => ({ ok: true }),
          parse: async () => ({
            events: [],
            reply: { status: 200, body: 'success' },
            ack: 'ingested',
            failureReply: { status: 200, body: 'fail' },
          }),
        },
      },
      triggers: PAYMENT_TRIGGERS,
    },
  });
}

function effect(type: string, data: Record<string, unknown>): Effect {
  return {
    key: `t/${type}`,
    tenant: 't',
    member: 'ann',
    instance: null,
    step: null,
    type,
    target: 'pay',
    data,
    notBefore: 0,
  };
}

describe('payment effects reach the capability', () => {
  const calls: Calls = { checkout: [], capture: [], refund: [], void: [] };
  const r = instantiatePlugin({ id: 'pay', plugin: payPlugin(calls), with: { key: 'k' } });
  if (!r.ok) throw new Error('fixture');
  const deliverer = createEffectDeliverer({ instances: [r.instance], addressOf: async () => 'openid-ann' });
  const ledger = {
    orderId: 'o1',
    paymentId: 'pi_1',
    amount: 500,
    currency: 'CNY',
    offer: 'vip',
    member: 'ann',
  };

  it('checkout gets the effect key, capture mode, description and payer', async () => {
    const data = {
      orderId: 'o1',
      offer: 'vip',
      amount: 1999,
      currency: 'CNY',
      url: 'u',
      member: 'ann',
      capture: 'manual',
    };
    expect(await deliverer.attempt(effect('payment.checkout', data), 1)).toMatchObject({
      status: 'delivered',
    });
    expect(calls.checkout[0]).toEqual({
      order: 'o1',
      offer: 'vip',
      amount: 1999,
      currency: 'CNY',
      member: 'ann',
      description: 'vip',
      capture: 'manual',
      idempotencyKey: 't/payment.checkout',
      payer: 'openid-ann',
    });
  });

  it('capture, refund and void are mapped from the ledger effects', async () => {
    await deliverer.attempt(effect('payment.capture', { ...ledger, campaign: 'c' }), 1);
    await deliverer.attempt(
      effect('payment.refund', { ...ledger, refundId: 'rf1', reason: 'cancelled', amount: 200 }),
      1,
    );
    await deliverer.attempt(
      effect('payment.void', { ...ledger, refundId: 'rf2', reason: 'campaign-failed' }),
      1,
    );
    expect(calls.capture).toEqual([{ order: 'o1', providerPaymentId: 'pi_1', amount: 500, currency: 'CNY' }]);
    expect(calls.refund).toEqual([
      {
        order: 'o1',
        refund: 'rf1',
        providerPaymentId: 'pi_1',
        amount: 200,
        currency: 'CNY',
        reason: 'cancelled',
      },
    ]);
    expect(calls.void).toEqual([{ order: 'o1', providerPaymentId: 'pi_1' }]);
  });

  it('dead-letters a malformed ledger effect instead of calling the provider', async () => {
    const out = await deliverer.attempt(
      effect('payment.refund', { ...ledger, amount: 1.5, refundId: 'x' }),
      1,
    );
    expect(out).toMatchObject({ status: 'failed', error: { kind: 'permanent' } });
    expect(calls.refund).toHaveLength(1);
  });

  it('the catalogue says the provider can hold payments', () => {
    expect(pluginCatalogueEntry(r.instance.plugin).capabilities.payment).toMatchObject({
      refunds: true,
      holds: true,
    });
  });

  it('an `ingested` ack replies only after the events were ingested', async () => {
    const outcome = await handleWebhook(r.instance, webhookRequest({}), { tenant: 't' });
    expect(outcome).toMatchObject({ status: 'accepted', ack: 'ingested' });
    const order: string[] = [];
    const ok = await answerWebhook(outcome, async () => {
      order.push('ingest');
    });
    expect(ok).toEqual({ status: 200, body: 'success' });
    expect(order).toEqual(['ingest']);
    const failed = await answerWebhook(outcome, async () => {
      throw new Error('store down');
    });
    expect(failed).toEqual({ status: 200, body: 'fail' });
    expect(
      await answerWebhook({ status: 'rejected', reason: 'stale', message: 'old' }, async () => {}),
    ).toEqual({
      status: 401,
      body: 'stale',
    });
  });
});
