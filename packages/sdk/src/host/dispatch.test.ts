import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { type EchoLog, echoPlugin } from '../__fixtures__/echo-plugin.js';
import { CONTEXT_VERSION } from '../context/types.js';
import type { Effect } from '../engine.js';
import type { CheckoutRequest, RefundRequest } from '../payment/types.js';
import { definePlugin } from '../plugin/define-plugin.js';
import { Secret } from '../schema/secret.js';
import { createEffectDeliverer } from './deliverer.js';
import { instantiatePlugin, type PluginInstance } from './instance.js';

function instance(plugin: Parameters<typeof instantiatePlugin>[0]['plugin'], id: string): PluginInstance {
  const r = instantiatePlugin({ id, plugin, with: { token: 'tok-1' } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.instance;
}

let n = 0;
function effect(type: string, target: string, data: Record<string, unknown>): Effect {
  n += 1;
  return {
    key: `k${n}`,
    tenant: 't',
    member: 'ann',
    instance: null,
    step: null,
    type,
    target,
    data,
    notBefore: 0,
  };
}

/** A provider like WeChat Pay Native: takes money at checkout, refunds, cannot hold. */
function takeAtOnce(log: { checkouts: CheckoutRequest[]; refunds: RefundRequest[] }) {
  return definePlugin({
    name: 'take-at-once',
    version: '1.0.0',
    displayName: 'Take at once',
    description: 'A payment provider without holds, for tests.',
    contextVersion: CONTEXT_VERSION,
    config: Type.Object({ token: Secret({ description: 'API token' }) }),
    capabilities: {
      payment: {
        async checkout(_ctx, request) {
          log.checkouts.push(request);
          return { url: `https://pay.example/${request.order}`, providerCheckoutId: `c-${request.order}` };
        },
        async refund(_ctx, request) {
          log.refunds.push(request);
          return { providerRefundId: `r-${request.refund}`, status: 'succeeded' };
        },
      },
    },
  });
}

const money = {
  orderId: 'o1',
  paymentId: 'p1',
  refundId: 'void-o1',
  amount: 5900,
  currency: 'CNY',
  reason: 'campaign failed',
};

describe('dispatching what a channel or provider cannot do', () => {
  it('skips group.add on a channel that cannot add members (they join by invite), without failing', async () => {
    const log: EchoLog = { sent: [], failures: [] };
    const d = createEffectDeliverer({
      instances: [instance(echoPlugin(log), 'group')],
      clock: { now: () => 0 },
    });
    const out = await d.attempt(
      effect('group.add', 'group', { pool: 'p', group: 'g1', member: 'ann', address: null }),
      1,
    );
    expect(out).toEqual({
      status: 'delivered',
      result: { skipped: 'echo cannot add members; they join by invite' },
    });
  });

  it('dead-letters a mute on a channel that cannot mute, saying so', async () => {
    const log: EchoLog = { sent: [], failures: [] };
    const d = createEffectDeliverer({
      instances: [instance(echoPlugin(log), 'group')],
      clock: { now: () => 0 },
    });
    const out = await d.attempt(effect('group.mute', 'group', { group: 'g1', member: 'ann', untilMs: 1 }), 1);
    expect(out).toMatchObject({
      status: 'failed',
      error: { kind: 'permanent', message: expect.stringMatching(/cannot mute members/) },
    });
  });

  it('takes a pre-sale at checkout on a provider that cannot hold, then refunds instead of voiding', async () => {
    const log = { checkouts: [] as CheckoutRequest[], refunds: [] as RefundRequest[] };
    const d = createEffectDeliverer({
      instances: [instance(takeAtOnce(log), 'pay')],
      clock: { now: () => 0 },
    });
    const checkout = {
      orderId: 'o1',
      offer: 'box',
      amount: 5900,
      currency: 'CNY',
      url: '',
      member: 'ann',
      description: 'Box',
      capture: 'manual',
    };
    expect((await d.attempt(effect('payment.checkout', 'pay', checkout), 1)).status).toBe('delivered');
    expect(log.checkouts[0]).toMatchObject({ capture: 'automatic', amount: 5900, description: 'Box' });
    expect(await d.attempt(effect('payment.capture', 'pay', money), 1)).toEqual({
      status: 'delivered',
      result: { skipped: 'take-at-once took the payment at checkout' },
    });
    expect((await d.attempt(effect('payment.void', 'pay', money), 1)).status).toBe('delivered');
    expect(log.refunds).toEqual([
      expect.objectContaining({
        order: 'o1',
        refund: 'void-o1',
        providerPaymentId: 'p1',
        amount: 5900,
        currency: 'CNY',
      }),
    ]);
  });
});
