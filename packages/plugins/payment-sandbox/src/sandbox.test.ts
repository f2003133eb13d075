import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CheckoutRequest,
  handleWebhook,
  instantiatePlugin,
  isPluginError,
  memoryKv,
  type PluginInstance,
} from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import {
  bodyText,
  generateWebhookSecret,
  signStandardWebhook,
  type WebhookRequest,
  webhookRequest,
} from '@kith/sdk/webhook';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxPayments } from './plugin.js';
import { planFor, unit } from './rules.js';
import { type SandboxServer, startSandboxServer } from './server.js';

const secret = generateWebhookSecret();
let server: SandboxServer;
const now = Date.UTC(2026, 4, 1, 12, 0, 0);
const clock = { now: () => now };
const kv = memoryKv(clock);
let instance: PluginInstance;

const config = (extra: Record<string, unknown> = {}) => ({
  baseUrl: server.url,
  webhookSecret: secret,
  ...extra,
});
const ctx = (extra: Record<string, unknown> = {}) =>
  createTestContext(sandboxPayments, config(extra), { clock, kv });
const payment = () => {
  const p = sandboxPayments.capabilities.payment;
  if (p === null) throw new Error('no payment capability');
  return p;
};
const hook = (req: WebhookRequest, at = now) =>
  handleWebhook(instance, req, { tenant: 't1', clock: { now: () => at } });

function order(n: string, extra: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    order: `run-${n}@offer`,
    offer: 'seat',
    amount: 4500,
    currency: 'EUR',
    member: 'ola',
    description: 'Workshop seat',
    capture: 'automatic',
    idempotencyKey: `t1/run-${n}/checkout`,
    payer: null,
    ...extra,
  };
}

/** The events the service has due at `at`, through the plugin's webhook. */
async function deliverDue(at = now) {
  const outs = await Promise.all(server.provider.due(at).map((r) => hook(r, at)));
  return outs.flatMap((o) => (o.status === 'accepted' ? o.events : []));
}

beforeAll(async () => {
  server = await startSandboxServer({ secret, intervalMs: 60_000, clock });
  const r = instantiatePlugin({ id: 'pay', plugin: sandboxPayments, with: config(), kv });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  instance = r.instance;
});
afterAll(() => server.close());
// each test starts with nothing due: what an earlier test left is handed out and dropped
beforeEach(() => {
  server.provider.due(now);
});

describe('rules', () => {
  it('decide by a hash of the order id: the same order, the same fate; shares approach the rates', () => {
    const cfg = {
      baseUrl: 'x',
      webhookSecret: secret,
      failRate: 0.3,
      refundRate: 0.2,
      payAfter: '2m',
      refundAfter: '1d',
    };
    expect(planFor(cfg, 'o-1', 0)).toEqual(planFor(cfg, 'o-1', 0));
    const plans = Array.from({ length: 1000 }, (_, i) => planFor(cfg, `order-${i}`, 0));
    const failed = plans.filter((p) => p.outcome === 'fail').length;
    const refunded = plans.filter((p) => p.refundAt !== null).length;
    expect(failed).toBeGreaterThan(250);
    expect(failed).toBeLessThan(350);
    expect(refunded / (1000 - failed)).toBeGreaterThan(0.15);
    expect(refunded / (1000 - failed)).toBeLessThan(0.25);
    expect(plans[0]).toMatchObject({ at: 120_000 });
    expect(unit('a', 'fail')).not.toBe(unit('a', 'refund'));
  });
});

describe('checkout', () => {
  it('registers an integer amount under the effect key; a retry is the same checkout', async () => {
    const a = await payment().checkout(ctx(), order('1'));
    const b = await payment().checkout(ctx(), order('1'));
    expect(b).toEqual(a);
    expect(a.url).toBe(`${server.url}/pay/${encodeURIComponent('run-1@offer')}`);
    const bad = await payment()
      .checkout(ctx(), order('1', { amount: 1 }))
      .catch((e: unknown) => e);
    expect(isPluginError(bad) && bad.kind).toBe('permanent');
    const fractional = await payment()
      .checkout(ctx(), order('1b', { amount: 45.5 }))
      .catch((e: unknown) => e);
    expect(isPluginError(fractional) && fractional.kind).toBe('permanent');
  });

  it('pays after payAfter through a signed webhook, as one stable event', async () => {
    await payment().checkout(ctx({ payAfter: '5m' }), order('2'));
    expect(await deliverDue(now + 60_000)).toEqual([]);
    const [paid] = await deliverDue(now + 5 * 60_000);
    expect(paid).toMatchObject({
      type: 'payment.succeeded',
      member: 'ola',
      data: {
        orderId: 'run-2@offer',
        amount: 4500,
        currency: 'EUR',
        captured: true,
        provider: 'payment-sandbox',
      },
    });
    expect(paid?.id).toMatch(/^pay:evt_pay_cs_/);
  });

  it('fails by rule', async () => {
    await payment().checkout(ctx({ outcome: 'fail' }), order('3'));
    expect(await deliverDue()).toMatchObject([{ type: 'payment.failed', data: { orderId: 'run-3@offer' } }]);
  });

  it('ask: the sandbox page pays or fails by hand', async () => {
    const made = await payment().checkout(ctx({ outcome: 'ask' }), order('4'));
    expect(await deliverDue()).toEqual([]);
    const page = await fetch(made.url);
    expect(await page.text()).toContain('Pay 45.00 EUR');
    await fetch(made.url, {
      method: 'POST',
      body: new URLSearchParams({ action: 'pay' }),
      redirect: 'manual',
    });
    expect(await deliverDue()).toMatchObject([
      { type: 'payment.succeeded', data: { orderId: 'run-4@offer' } },
    ]);
  });
});

describe('webhook', () => {
  it('refuses a tampered body, a wrong key, a stale timestamp and a replay; five deliveries are one event', async () => {
    await payment().checkout(ctx(), order('10'));
    const [good] = server.provider.due(now);
    if (good === undefined) throw new Error('no event');
    const body = bodyText(good);
    const id = good.headers['webhook-id'] ?? '';
    const ts = Math.floor(now / 1000);
    const other = generateWebhookSecret();
    const outcomes = [
      await hook(webhookRequest({ headers: good.headers, body: body.replace('4500', '1') })),
      await hook(
        webhookRequest({
          headers: {
            ...good.headers,
            'webhook-signature': signStandardWebhook(other, { id, timestamp: ts, body }),
          },
          body,
        }),
      ),
      await hook(server.provider.signed(id, now - 301_000)),
      await hook(good, now + 6 * 60_000),
      await hook(
        webhookRequest({ headers: { ...good.headers, 'webhook-timestamp': String(ts + 360) }, body }),
        now + 360_000,
      ),
    ];
    expect(outcomes.map((o) => (o.status === 'rejected' ? o.reason : 'accepted'))).toEqual([
      'bad-signature',
      'bad-signature',
      'stale',
      'stale',
      'bad-signature',
    ]);
    for (const o of outcomes) expect(o).not.toHaveProperty('events');
    const five = await Promise.all(Array.from({ length: 5 }, () => hook(server.provider.signed(id, now))));
    const ids = five.flatMap((o) => (o.status === 'accepted' ? o.events.map((e) => e.id) : ['rejected']));
    expect(ids).toHaveLength(5);
    expect(new Set(ids)).toEqual(new Set([`pay:${id}`]));
  });
});

describe('refunds, holds and query', () => {
  it('partial refund with Kith’s refund id, then the rest; beyond is refused', async () => {
    await payment().checkout(ctx(), order('20'));
    const [paid] = await deliverDue();
    const pid = String(paid?.data?.paymentId);
    await payment().refund?.(ctx(), {
      order: 'run-20@offer',
      refund: 'rf-1',
      providerPaymentId: pid,
      amount: 1000,
      currency: 'EUR',
      reason: null,
    });
    await payment().refund?.(ctx(), {
      order: 'run-20@offer',
      refund: 'rf-1',
      providerPaymentId: pid,
      amount: 1000,
      currency: 'EUR',
      reason: null,
    });
    expect(await deliverDue()).toMatchObject([
      { type: 'payment.refunded', data: { refundId: 'rf-1', amount: 1000, paymentId: pid } },
    ]);
    await payment().refund?.(ctx(), {
      order: 'run-20@offer',
      refund: 'rf-2',
      providerPaymentId: pid,
      amount: 3500,
      currency: 'EUR',
      reason: null,
    });
    expect(await deliverDue()).toMatchObject([{ data: { refundId: 'rf-2', amount: 3500 } }]);
    const over = await payment()
      .refund?.(ctx(), {
        order: 'run-20@offer',
        refund: 'rf-3',
        providerPaymentId: pid,
        amount: 1,
        currency: 'EUR',
        reason: null,
      })
      .catch((e: unknown) => e);
    expect(isPluginError(over) && over.kind).toBe('permanent');
    expect(await payment().query?.(ctx(), { order: 'run-20@offer', providerPaymentId: null })).toMatchObject({
      state: 'paid',
      refunded: 4500,
    });
  });

  it('refunds automatically by refundRate after refundAfter', async () => {
    const c = ctx({ refundRate: 1, refundAfter: '1h' });
    await payment().checkout(c, order('21'));
    expect(await deliverDue()).toMatchObject([{ type: 'payment.succeeded' }]);
    expect(await deliverDue(now + 3_600_000)).toMatchObject([
      { type: 'payment.refunded', data: { orderId: 'run-21@offer', amount: 4500 } },
    ]);
  });

  it('a pre-sale is held, then captured; another is voided', async () => {
    await payment().checkout(ctx(), order('22', { capture: 'manual' }));
    await payment().checkout(ctx(), order('23', { capture: 'manual' }));
    const held = await deliverDue();
    expect(held.map((e) => e.data?.captured)).toEqual([false, false]);
    const [a, b] = held.map((e) => String(e.data?.paymentId));
    expect(
      await payment().query?.(ctx(), { order: 'run-22@offer', providerPaymentId: a ?? null }),
    ).toMatchObject({ state: 'authorized' });
    await payment().capture?.(ctx(), {
      order: 'run-22@offer',
      providerPaymentId: a ?? '',
      amount: 4500,
      currency: 'EUR',
    });
    await payment().void?.(ctx(), { order: 'run-23@offer', providerPaymentId: b ?? '' });
    expect(server.provider.state('run-22@offer')?.state).toBe('paid');
    expect(server.provider.state('run-23@offer')?.state).toBe('voided');
    const late = await payment()
      .capture?.(ctx(), { order: 'run-23@offer', providerPaymentId: b ?? '', amount: 4500, currency: 'EUR' })
      .catch((e: unknown) => e);
    expect(isPluginError(late) && late.kind).toBe('permanent');
  });
});

describe('the server delivers to a webhook URL', () => {
  it('POSTs due events, and redelivers one the receiver refused', async () => {
    const received: { id: string; status: number }[] = [];
    let refuseFirst = true;
    const receiver = createServer((req, res) => {
      const status = refuseFirst ? 503 : 204;
      refuseFirst = false;
      received.push({ id: String(req.headers['webhook-id']), status });
      req.resume();
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/pay`;
    const s = await startSandboxServer({ secret, webhookUrl: target, intervalMs: 60_000, clock });
    try {
      const c = createTestContext(
        sandboxPayments,
        { baseUrl: s.url, webhookSecret: secret },
        { clock, kv: memoryKv(clock) },
      );
      await payment().checkout(c, order('30'));
      expect(await s.deliver()).toBe(0);
      expect(await s.deliver()).toBe(1);
      expect(received.map((r) => r.status)).toEqual([503, 204]);
      expect(received[0]?.id).toBe(received[1]?.id);
    } finally {
      await s.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
