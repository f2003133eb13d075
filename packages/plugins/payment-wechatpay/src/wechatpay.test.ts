import { createCipheriv, createSign, generateKeyPairSync } from 'node:crypto';
import {
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
import { decryptResource, outTradeNo } from './crypto.js';
import { type FakeWechatPay, startFakeWechatPay } from './fake-wechatpay.js';
import { wechatPayments } from './plugin.js';

let fake: FakeWechatPay;
const now = Date.UTC(2026, 4, 1, 4, 0, 0);
const clock = { now: () => now };
const kv = memoryKv(clock);
let instance: PluginInstance;

const config = (extra: Record<string, unknown> = {}) => ({
  baseUrl: fake.baseUrl,
  ...fake.config,
  notifyUrl: 'https://kith.example/hooks/wxpay',
  ...extra,
});
const ctx = (extra: Record<string, unknown> = {}) =>
  createTestContext(wechatPayments, config(extra), { clock, kv });
const payment = () => {
  const p = wechatPayments.capabilities.payment;
  if (p === null) throw new Error('no payment capability');
  return p;
};
const hook = (req: WebhookRequest, at = now) =>
  handleWebhook(instance, req, { tenant: 't1', clock: { now: () => at } });

function order(n: string, extra: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return {
    order: `run-${n}@offer`,
    offer: 'camp',
    amount: 9900,
    currency: 'CNY',
    member: 'mei',
    description: '夏令营报名',
    capture: 'automatic',
    idempotencyKey: `t1/run-${n}/checkout`,
    payer: null,
    ...extra,
  };
}

async function paid(n: string) {
  const made = await payment().checkout(ctx(), order(n));
  const notice = fake.pay(made.providerCheckoutId);
  const trade = fake.trades.get(made.providerCheckoutId);
  return { made, notice, transactionId: trade?.transaction_id ?? '' };
}

beforeAll(async () => {
  fake = await startFakeWechatPay({ now: clock.now });
  const r = instantiatePlugin({ id: 'wx', plugin: wechatPayments, with: config(), kv });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  instance = r.instance;
});
afterAll(() => fake.close());

describe('orders', () => {
  it('Native: a signed request with the amount in integer fen, answered with a code_url', async () => {
    const made = await payment().checkout(ctx(), order('1'));
    expect(made.url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const req = fake.requests.at(-1);
    expect(req?.path).toBe('/v3/pay/transactions/native');
    expect(req?.body).toMatchObject({
      appid: fake.config.appId,
      mchid: fake.config.mchId,
      out_trade_no: made.providerCheckoutId,
      notify_url: 'https://kith.example/hooks/wxpay',
      amount: { total: 9900, currency: 'CNY' },
      attach: JSON.stringify({ order: 'run-1@offer', member: 'mei' }),
    });
    expect(Number.isInteger((req?.body?.amount as { total?: unknown } | undefined)?.total)).toBe(true);
    expect(req?.authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="\w{32}",timestamp="\d+",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",signature="[A-Za-z0-9+/=]+"$/,
    );
    // Kith's order id has '@': out_trade_no is a stable hash that fits WeChat's 6–32 [0-9A-Za-z_-|*]
    expect(made.providerCheckoutId).toBe(outTradeNo('run-1@offer'));
    expect(made.providerCheckoutId).toMatch(/^[0-9A-Za-z_\-|*]{6,32}$/);
  });

  it('a retried order (same out_trade_no, same parameters) gets the same code_url; changed parameters are refused', async () => {
    const a = await payment().checkout(ctx(), order('2'));
    const b = await payment().checkout(ctx(), order('2'));
    expect(b.url).toBe(a.url);
    const e = await payment()
      .checkout(ctx(), order('2', { amount: 100 }))
      .catch((x: unknown) => x);
    expect(isPluginError(e) && [e.kind, e.code]).toEqual(['permanent', 'INVALID_REQUEST']);
  });

  it('JSAPI: prepay_id and the client-side parameters, paySign verifiable with the merchant key', async () => {
    const made = await payment().checkout(
      ctx({ mode: 'jsapi', jsapiPage: 'https://kith.example/wxpay' }),
      order('3', { payer: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' }),
    );
    expect(fake.requests.at(-1)).toMatchObject({
      path: '/v3/pay/transactions/jsapi',
      body: { payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' } },
    });
    const c = made.client ?? {};
    expect(c).toMatchObject({
      appId: fake.config.appId,
      signType: 'RSA',
      package: expect.stringMatching(/^prepay_id=wx/),
    });
    expect(fake.verifyPaySign(c)).toBe(true);
    expect(fake.verifyPaySign({ ...c, package: 'prepay_id=other' })).toBe(false);
    expect(new URL(made.url).searchParams.get('paySign')).toBe(c.paySign);
    const noOpenid = await payment()
      .checkout(ctx({ mode: 'jsapi' }), order('4'))
      .catch((x: unknown) => x);
    expect(isPluginError(noOpenid) && noOpenid.kind).toBe('permanent');
  });

  it('refuses what WeChat Pay cannot do: other currencies, holds for pre-sales', async () => {
    for (const bad of [order('5', { currency: 'USD' }), order('6', { capture: 'manual' })]) {
      const e = await payment()
        .checkout(ctx(), bad)
        .catch((x: unknown) => x);
      expect(isPluginError(e) && e.kind).toBe('permanent');
    }
    expect(payment().capture).toBeUndefined();
    expect(payment().void).toBeUndefined();
  });

  it('maps errors: SIGN_ERROR → auth, 429 → rate-limited, SYSTEM_ERROR → transient', async () => {
    const kinds: unknown[] = [];
    for (const f of ['auth', 'rate-limited', 'server-error'] as const) {
      fake.failNext(f);
      const e = await payment()
        .checkout(ctx(), order(`err-${f}`))
        .catch((x: unknown) => x);
      kinds.push(isPluginError(e) && e.kind);
    }
    expect(kinds).toEqual(['auth', 'rate-limited', 'transient']);
    // a merchant key WeChat Pay does not know is refused the same way
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const e = await payment()
      .checkout(ctx({ privateKey: String(other) }), order('err-key'))
      .catch((x: unknown) => x);
    expect(isPluginError(e) && e.kind).toBe('auth');
  });

  it('does not believe an answer without a valid platform signature', async () => {
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const c = ctx({ platformKeys: [{ serial: fake.config.platformKeys[0]?.serial, pem: String(foreign) }] });
    const e = await payment()
      .checkout(c, order('7'))
      .catch((x: unknown) => x);
    expect(isPluginError(e) && e.kind).toBe('transient');
    expect(String(e)).toMatch(/response signature/);
  });
});

describe('notifications', () => {
  it('accepts a notification built as the documentation describes it', async () => {
    const made = await payment().checkout(ctx(), order('10'));
    fake.pay(made.providerCheckoutId);
    const trade = fake.trades.get(made.providerCheckoutId);
    // written out by hand: AES-256-GCM(APIv3 key, nonce, associated_data) → base64(ct‖tag);
    // SHA256withRSA over "timestamp\nnonce\nbody\n" with the platform private key
    const resource = JSON.stringify({
      mchid: fake.config.mchId,
      appid: fake.config.appId,
      out_trade_no: made.providerCheckoutId,
      transaction_id: trade?.transaction_id,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      attach: JSON.stringify({ order: 'run-10@offer', member: 'mei' }),
      success_time: '2026-05-01T12:00:00+08:00',
      amount: { total: 9900, payer_total: 9900, currency: 'CNY', payer_currency: 'CNY' },
    });
    const iv = 'fGDsFMB0mrhL';
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(fake.config.apiV3Key), Buffer.from(iv));
    cipher.setAAD(Buffer.from('transaction'));
    const ciphertext = Buffer.concat([cipher.update(resource), cipher.final(), cipher.getAuthTag()]).toString(
      'base64',
    );
    const body = JSON.stringify({
      id: 'EV-2018022511223320873',
      create_time: '2026-05-01T12:00:01+08:00',
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: {
        original_type: 'transaction',
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext,
        associated_data: 'transaction',
        nonce: iv,
      },
    });
    const ts = String(Math.floor(now / 1000));
    const n = '593BEC0C930BF1AFEB40B4A08C8FB242';
    const signature = createSign('RSA-SHA256')
      .update(`${ts}\n${n}\n${body}\n`)
      .sign(fake.platformPrivateKey, 'base64');
    const request = webhookRequest({
      headers: {
        'Wechatpay-Timestamp': ts,
        'Wechatpay-Nonce': n,
        'Wechatpay-Signature': signature,
        'Wechatpay-Serial': fake.config.platformKeys[0]?.serial ?? '',
        'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      },
      body,
    });
    expect(decryptResource(JSON.parse(body).resource, fake.config.apiV3Key)).toBe(resource);
    const out = await hook(request);
    expect(out).toMatchObject({
      status: 'accepted',
      ack: 'ingested',
      reply: { status: 204 },
      events: [
        {
          id: 'wx:notify:EV-2018022511223320873',
          type: 'payment.succeeded',
          member: 'mei',
          data: {
            orderId: 'run-10@offer',
            paymentId: trade?.transaction_id,
            amount: 9900,
            currency: 'CNY',
            provider: 'wechatpay',
            captured: true,
          },
        },
      ],
    });
  });

  it('verifies with an independently signed notification under a second platform key (rotation)', async () => {
    const { notice } = await paid('11');
    const rotated = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = rotated.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const r = instantiatePlugin({
      id: 'wx',
      plugin: wechatPayments,
      with: config({ platformKeys: [...fake.config.platformKeys, { serial: 'PUB_KEY_ID_NEW', pem }] }),
      kv,
    });
    if (!r.ok) throw new Error('config');
    const body = bodyText(notice);
    const ts = String(Math.floor(now / 1000));
    const n = 'fdasfwqewlkja484w';
    const signature = createSign('RSA-SHA256')
      .update(`${ts}\n${n}\n${body}\n`)
      .sign(rotated.privateKey, 'base64');
    const req = webhookRequest({
      headers: {
        'Wechatpay-Timestamp': ts,
        'Wechatpay-Nonce': n,
        'Wechatpay-Signature': signature,
        'Wechatpay-Serial': 'PUB_KEY_ID_NEW',
      },
      body,
    });
    expect(await handleWebhook(r.instance, req, { tenant: 't1', clock })).toMatchObject({
      status: 'accepted',
      events: [{ type: 'payment.succeeded' }],
    });
  });

  it('refuses a tampered body, a wrong key, a stale timestamp and a replay, with no event', async () => {
    const made = await payment().checkout(ctx(), order('12'));
    const notice = fake.pay(made.providerCheckoutId);
    const t = fake.trades.get(made.providerCheckoutId);
    const resource = {
      out_trade_no: made.providerCheckoutId,
      transaction_id: t?.transaction_id,
      trade_state: 'SUCCESS',
      amount: { total: 1 },
    };
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const body = bodyText(notice);
    const tampered = webhookRequest({
      headers: notice.headers,
      body: body.replace('"summary":"支付成功"', '"summary":"x"'),
    });
    const replayedLater = now + 5 * 60_000 + 1000;
    const movedTs = webhookRequest({
      headers: { ...notice.headers, 'wechatpay-timestamp': String(Math.floor(replayedLater / 1000)) },
      body,
    });
    const outcomes = [
      await hook(tampered),
      await hook(fake.notification('TRANSACTION.SUCCESS', resource, { signWith: otherKey })),
      await hook(fake.notification('TRANSACTION.SUCCESS', resource, { serial: 'PUB_KEY_ID_UNKNOWN' })),
      await hook(
        fake.notification('TRANSACTION.SUCCESS', resource, { apiV3Key: 'Another0APIv3Key0000000000000000' }),
      ),
      await hook(
        fake.notification('TRANSACTION.SUCCESS', resource, { timestamp: Math.floor(now / 1000) - 301 }),
      ),
      await hook(notice, replayedLater),
      await hook(movedTs, replayedLater),
      await hook(webhookRequest({ headers: { 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc' }, body })),
    ];
    expect(outcomes.map((o) => (o.status === 'rejected' ? o.reason : 'accepted'))).toEqual([
      'bad-signature',
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

  it('the same notification five times at once: one event id', async () => {
    const { notice } = await paid('13');
    const outs = await Promise.all(Array.from({ length: 5 }, () => hook(notice)));
    const ids = outs.flatMap((o) => (o.status === 'accepted' ? o.events.map((e) => e.id) : ['rejected']));
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(1);
  });
});

describe('refunds', () => {
  it('partial refund: out_refund_no from Kith’s refund id, total from the order, REFUND.SUCCESS → payment.refunded', async () => {
    const { transactionId } = await paid('20');
    const r = await payment().refund?.(ctx(), {
      order: 'run-20@offer',
      refund: 'run-20@offer/refund/1',
      providerPaymentId: transactionId,
      amount: 3000,
      currency: 'CNY',
      reason: '部分退款',
    });
    expect(r).toMatchObject({ status: 'pending' });
    const req = fake.requests.findLast((x) => x.path === '/v3/refund/domestic/refunds');
    expect(req?.body).toMatchObject({
      transaction_id: transactionId,
      amount: { refund: 3000, total: 9900, currency: 'CNY' },
      notify_url: 'https://kith.example/hooks/wxpay',
    });
    const refundNo = String(req?.body?.out_refund_no);
    expect(refundNo).toMatch(/^[0-9A-Za-z_\-|*@]{1,64}$/);
    // retried: the same out_refund_no is the same refund
    const again = await payment().refund?.(ctx(), {
      order: 'run-20@offer',
      refund: 'run-20@offer/refund/1',
      providerPaymentId: transactionId,
      amount: 3000,
      currency: 'CNY',
      reason: '部分退款',
    });
    expect(again?.providerRefundId).toBe(r?.providerRefundId);
    expect(fake.trades.get(outTradeNo('run-20@offer'))?.refunded).toBe(3000);

    const notice = fake.settleRefund(refundNo);
    const outs = await Promise.all([hook(notice), hook(notice)]);
    for (const out of outs) {
      expect(out).toMatchObject({
        status: 'accepted',
        events: [
          {
            type: 'payment.refunded',
            data: {
              orderId: 'run-20@offer',
              refundId: 'run-20@offer/refund/1',
              amount: 3000,
              paymentId: transactionId,
            },
          },
        ],
      });
    }
    expect(await payment().query?.(ctx(), { order: 'run-20@offer', providerPaymentId: null })).toMatchObject({
      state: 'paid',
      amount: 9900,
      refunded: 3000,
      providerPaymentId: transactionId,
    });
  });

  it('refuses a refund beyond what is left', async () => {
    const { transactionId } = await paid('21');
    const e = await payment()
      .refund?.(ctx(), {
        order: 'run-21@offer',
        refund: 'rf-big',
        providerPaymentId: transactionId,
        amount: 9901,
        currency: 'CNY',
        reason: null,
      })
      .catch((x: unknown) => x);
    expect(isPluginError(e) && [e.kind, e.code]).toEqual(['permanent', 'NOT_ENOUGH']);
  });

  it('query reports an unpaid order as pending', async () => {
    await payment().checkout(ctx(), order('22'));
    expect(await payment().query?.(ctx(), { order: 'run-22@offer', providerPaymentId: null })).toMatchObject({
      state: 'pending',
      providerPaymentId: null,
    });
  });
});
