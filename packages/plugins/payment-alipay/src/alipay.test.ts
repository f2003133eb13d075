// first: lets Node load alipay-sdk's dependencies under this repo's `source` condition
import { createSign, generateKeyPairSync } from 'node:crypto';
import {
  answerWebhook,
  type CheckoutRequest,
  handleWebhook,
  instantiatePlugin,
  isPluginError,
  memoryKv,
  type PluginInstance,
} from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { bodyText, type WebhookRequest, webhookRequest } from '@kith/sdk/webhook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outTradeNo } from './client.js';
import { beijing, type FakeAlipay, startFakeAlipay } from './fake-alipay.js';
import { alipayPayments } from './plugin.js';

let fake: FakeAlipay;
const now = Date.UTC(2026, 4, 1, 4, 0, 0);
const clock = { now: () => now };
const kv = memoryKv(clock);
let instance: PluginInstance;

const config = (extra: Record<string, unknown> = {}) => ({
  baseUrl: fake.gateway,
  appId: fake.appId,
  privateKey: fake.appPrivateKey,
  alipayPublicKey: fake.alipayPublicKey,
  notifyUrl: 'https://kith.example/hooks/alipay',
  ...extra,
});
const ctx = (extra: Record<string, unknown> = {}) =>
  createTestContext(alipayPayments, config(extra), { clock, kv });
const payment = () => {
  const p = alipayPayments.capabilities.payment;
  if (p === null) throw new Error('no payment capability');
  return p;
};
const hook = (req: WebhookRequest, at = now) =>
  handleWebhook(instance, req, { tenant: 't1', clock: { now: () => at } });

function order(n: string, extra: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    order: `run-${n}@offer`,
    offer: 'camp',
    amount: 9990,
    currency: 'CNY',
    member: 'lin',
    description: '读书会年卡',
    capture: 'automatic',
    idempotencyKey: `t1/run-${n}/checkout`,
    payer: null,
    ...extra,
  };
}

async function paid(n: string) {
  const made = await payment().checkout(ctx(), order(n));
  const notice = fake.pay(made.providerCheckoutId);
  return { made, notice, tradeNo: fake.trades.get(made.providerCheckoutId)?.trade_no ?? '' };
}

beforeAll(async () => {
  fake = await startFakeAlipay({ now: clock.now });
  const r = instantiatePlugin({ id: 'ali', plugin: alipayPayments, with: config(), kv });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  instance = r.instance;
});
afterAll(() => fake.close_());

describe('checkout', () => {
  it('precreate: a signed alipay.trade.precreate with the amount formatted from integer fen; the QR code back', async () => {
    const made = await payment().checkout(ctx(), order('1'));
    expect(made.url).toMatch(/^https:\/\/qr\.alipay\.com\//);
    const req = fake.requests.at(-1);
    expect(req?.method).toBe('alipay.trade.precreate');
    expect(req?.biz).toEqual({
      out_trade_no: outTradeNo('run-1@offer'),
      total_amount: '99.90',
      subject: '读书会年卡',
      body: JSON.stringify({ order: 'run-1@offer', member: 'lin' }),
    });
    expect(req?.params).toMatchObject({
      sign_type: 'RSA2',
      notify_url: 'https://kith.example/hooks/alipay',
      app_id: fake.appId,
    });
    expect(made.providerCheckoutId).toMatch(/^[0-9A-Za-z_]{1,64}$/);
  });

  it('a retried precreate names the same trade and gets the same QR code; a changed amount is refused', async () => {
    const a = await payment().checkout(ctx(), order('2'));
    const b = await payment().checkout(ctx(), order('2'));
    expect(b).toEqual(a);
    const e = await payment()
      .checkout(ctx(), order('2', { amount: 1 }))
      .catch((x: unknown) => x);
    expect(isPluginError(e) && [e.kind, e.code]).toEqual(['permanent', 'ACQ.CONTEXT_INCONSISTENT']);
  });

  it('page pay: a signed alipay.trade.page.pay URL on the gateway', async () => {
    const made = await payment().checkout(
      ctx({ mode: 'page', returnUrl: 'https://kith.example/paid' }),
      order('3', { amount: 1 }),
    );
    const url = new URL(made.url);
    expect(`${url.origin}${url.pathname}`).toBe(fake.gateway);
    expect(url.searchParams.get('method')).toBe('alipay.trade.page.pay');
    expect(url.searchParams.get('return_url')).toBe('https://kith.example/paid');
    expect(JSON.parse(url.searchParams.get('biz_content') ?? '{}')).toMatchObject({
      total_amount: '0.01',
      product_code: 'FAST_INSTANT_TRADE_PAY',
    });
    // the app's signature over every parameter but sign verifies with the app's public key
    const params = Object.fromEntries(url.searchParams);
    const { sign, ...rest } = params;
    const content = Object.keys(rest)
      .sort()
      .map((k) => `${k}=${rest[k]}`)
      .join('&');
    const { createVerify, createPublicKey } = await import('node:crypto');
    expect(
      createVerify('RSA-SHA256')
        .update(content)
        .verify(createPublicKey(fake.appPrivateKey), sign ?? '', 'base64'),
    ).toBe(true);
  });

  it('refuses a pre-sale hold and other currencies; maps gateway and auth failures', async () => {
    for (const bad of [order('4', { capture: 'manual' }), order('5', { currency: 'USD' })]) {
      const e = await payment()
        .checkout(ctx(), bad)
        .catch((x: unknown) => x);
      expect(isPluginError(e) && e.kind).toBe('permanent');
    }
    fake.failNext('server-error');
    const down = await payment()
      .checkout(ctx(), order('6'))
      .catch((x: unknown) => x);
    expect(isPluginError(down) && down.kind).toBe('transient');
    fake.failNext('auth');
    const auth = await payment()
      .checkout(ctx(), order('7'))
      .catch((x: unknown) => x);
    expect(isPluginError(auth) && [auth.kind, auth.code]).toEqual(['auth', 'isv.invalid-app-id']);
  });

  it('does not believe an answer signed with another key', async () => {
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const e = await payment()
      .checkout(ctx({ alipayPublicKey: String(foreign) }), order('8'))
      .catch((x: unknown) => x);
    expect(isPluginError(e) && e.kind).toBe('transient');
    expect(String(e)).toMatch(/验签失败/);
  });
});

describe('notifications', () => {
  it('accepts a notification signed as the documentation describes; `success` only after ingest', async () => {
    const made = await payment().checkout(ctx(), order('10'));
    fake.pay(made.providerCheckoutId);
    const tradeNo = fake.trades.get(made.providerCheckoutId)?.trade_no ?? '';
    // by hand: every parameter but sign and sign_type, sorted, k=v joined by &, RSA2 with Alipay's key
    const params: Record<string, string> = {
      gmt_create: '2026-05-01 11:59:00',
      charset: 'utf-8',
      gmt_payment: '2026-05-01 12:00:00',
      notify_time: beijing(now),
      subject: '读书会年卡',
      buyer_id: '2088102177846880',
      body: JSON.stringify({ order: 'run-10@offer', member: 'lin' }),
      invoice_amount: '99.90',
      version: '1.0',
      notify_id: '2026050100222120000012345678',
      fund_bill_list: '[{"amount":"99.90","fundChannel":"ALIPAYACCOUNT"}]',
      notify_type: 'trade_status_sync',
      out_trade_no: made.providerCheckoutId,
      total_amount: '99.90',
      trade_status: 'TRADE_SUCCESS',
      trade_no: tradeNo,
      auth_app_id: fake.appId,
      receipt_amount: '99.90',
      point_amount: '0.00',
      app_id: fake.appId,
      buyer_pay_amount: '99.90',
      seller_id: '2088102177649450',
    };
    const content = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    const sign = createSign('RSA-SHA256').update(content, 'utf8').sign(fake.alipayPrivateKey, 'base64');
    const req = webhookRequest({
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams({ ...params, sign, sign_type: 'RSA2' }).toString(),
    });
    const out = await hook(req);
    expect(out).toMatchObject({
      status: 'accepted',
      ack: 'ingested',
      events: [
        {
          id: `ali:paid:${tradeNo}`,
          type: 'payment.succeeded',
          member: 'lin',
          data: {
            orderId: 'run-10@offer',
            paymentId: tradeNo,
            amount: 9990,
            currency: 'CNY',
            provider: 'alipay',
            captured: true,
          },
        },
      ],
    });
    // the host replies `success` only once the engine took the events, `fail` (so Alipay retries) otherwise
    const ingested: string[] = [];
    expect(
      await answerWebhook(out, async (events) => {
        ingested.push(...events.map((e) => e.id));
      }),
    ).toMatchObject({ status: 200, body: 'success' });
    expect(ingested).toEqual([`ali:paid:${tradeNo}`]);
    expect(
      await answerWebhook(out, async () => {
        throw new Error('database down');
      }),
    ).toMatchObject({ body: 'fail' });
  });

  it('refuses a tampered body, a wrong key, another app, a stale notify_time and a replay; no event', async () => {
    const { notice, made } = await paid('11');
    const body = bodyText(notice);
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const base = Object.fromEntries(new URLSearchParams(body));
    delete base.sign;
    delete base.sign_type;
    const later = now + 6 * 60_000;
    const outcomes = [
      await hook(
        webhookRequest({
          headers: notice.headers,
          body: body.replace('total_amount=99.90', 'total_amount=0.01'),
        }),
      ),
      await hook(fake.notify(base, { signWith: otherKey })),
      await hook(fake.notify({ ...base, app_id: '2021999999999999' })),
      await hook(fake.notify({ ...base, notify_time: beijing(now - 301_000) })),
      await hook(notice, later),
      await hook(
        webhookRequest({
          headers: notice.headers,
          body: body.replace(/notify_time=[^&]+/, `notify_time=${encodeURIComponent(beijing(later))}`),
        }),
        later,
      ),
      await hook(
        webhookRequest({ body: `out_trade_no=${made.providerCheckoutId}&trade_status=TRADE_SUCCESS` }),
      ),
    ];
    expect(outcomes.map((o) => (o.status === 'rejected' ? o.reason : 'accepted'))).toEqual([
      'bad-signature',
      'bad-signature',
      'bad-signature',
      'stale',
      'stale',
      'bad-signature',
      'missing-signature',
    ]);
    for (const o of outcomes) expect(o).not.toHaveProperty('events');
  });

  it('the same notification five times at once, and its TRADE_FINISHED later: one event id', async () => {
    const { notice, made, tradeNo } = await paid('12');
    const outs = await Promise.all(Array.from({ length: 5 }, () => hook(notice)));
    const ids = outs.flatMap((o) => (o.status === 'accepted' ? o.events.map((e) => e.id) : ['rejected']));
    const finished = await hook(
      fake.notify({
        ...Object.fromEntries(new URLSearchParams(bodyText(notice))),
        trade_status: 'TRADE_FINISHED',
        notify_time: beijing(now),
      }),
    );
    expect(ids).toHaveLength(5);
    expect(
      new Set([...ids, ...(finished.status === 'accepted' ? finished.events.map((e) => e.id) : [])]),
    ).toEqual(new Set([`ali:paid:${tradeNo}`]));
    expect(made.providerCheckoutId).toBe(outTradeNo('run-12@offer'));
  });

  it('an unpaid trade that closes is payment.failed', async () => {
    const made = await payment().checkout(ctx(), order('13'));
    const out = await hook(fake.close(made.providerCheckoutId));
    expect(out).toMatchObject({
      events: [{ type: 'payment.failed', data: { orderId: 'run-13@offer', reason: 'TRADE_CLOSED' } }],
    });
  });
});

describe('refunds', () => {
  it('partial, then the rest: out_request_no from Kith’s refund id, each reported once, the full one not a failure', async () => {
    const { tradeNo, made } = await paid('20');
    const first = {
      order: 'run-20@offer',
      refund: 'rf-20-a',
      providerPaymentId: tradeNo,
      amount: 2990,
      currency: 'CNY',
      reason: '部分退款',
    };
    expect(await payment().refund?.(ctx(), first)).toMatchObject({ status: 'succeeded' });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'alipay.trade.refund',
      biz: { trade_no: tradeNo, refund_amount: '29.90', out_request_no: outTradeNo('rf-20-a') },
    });
    // retried: Alipay answers the same out_request_no without refunding again
    await payment().refund?.(ctx(), first);
    expect(fake.trades.get(made.providerCheckoutId)?.refunded).toBe(2990);
    const n1 = await hook(fake.refundNotice(outTradeNo('rf-20-a')));
    expect(n1).toMatchObject({
      events: [
        {
          type: 'payment.refunded',
          data: { orderId: 'run-20@offer', refundId: 'rf-20-a', amount: 2990, paymentId: tradeNo },
        },
      ],
    });

    await payment().refund?.(ctx(), { ...first, refund: 'rf-20-b', amount: 7000, reason: null });
    const n2 = await hook(fake.refundNotice(outTradeNo('rf-20-b')));
    // the trade is now TRADE_CLOSED, but with out_biz_no and refund_fee: a refund, not a failure
    expect(n2).toMatchObject({
      events: [{ type: 'payment.refunded', data: { refundId: 'rf-20-b', amount: 7000 } }],
    });
    expect(await payment().query?.(ctx(), { order: 'run-20@offer', providerPaymentId: null })).toMatchObject({
      state: 'paid',
      amount: 9990,
      refunded: 9990,
      providerPaymentId: tradeNo,
    });
    const over = await payment()
      .refund?.(ctx(), { ...first, refund: 'rf-20-c', amount: 1 })
      .catch((x: unknown) => x);
    expect(isPluginError(over) && over.kind).toBe('permanent');
  });

  it('query: a trade nobody scanned yet is pending', async () => {
    await payment().checkout(ctx(), order('21'));
    expect(await payment().query?.(ctx(), { order: 'run-21@offer', providerPaymentId: null })).toMatchObject({
      state: 'pending',
    });
  });
});
