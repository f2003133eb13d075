import { createCipheriv, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebhookRequest, webhookRequest } from '@kith/sdk/webhook';
import { nonce, rsaSign, rsaVerify, signedMessage } from './crypto.js';

/**
 * A fake WeChat Pay API v3 on 127.0.0.1 at a random port, following the published contract: it
 * checks each request's WECHATPAY2-SHA256-RSA2048 Authorization against the merchant's public
 * key (401 SIGN_ERROR otherwise), signs every answer with its platform key, treats
 * `out_trade_no` and `out_refund_no` as idempotency keys, and builds notifications as WeChat Pay
 * does: resource encrypted with AEAD_AES_256_GCM under the APIv3 key, headers signed over
 * `TIMESTAMP\nNONCE\nBODY\n`.
 */

type Json = Record<string, unknown>;

export interface FakeTrade {
  body: string;
  answer: Json;
  out_trade_no: string;
  transaction_id: string | null;
  trade_state: string;
  attach?: string;
  total: number;
  refunded: number;
}

export interface FakeWechatPay {
  baseUrl: string;
  config: {
    mchId: string;
    appId: string;
    certSerial: string;
    privateKey: string;
    apiV3Key: string;
    platformKeys: { serial: string; pem: string }[];
  };
  merchantPublicKey: string;
  /** The key the fake signs answers and notifications with, for tests that sign by hand. */
  platformPrivateKey: string;
  requests: { method: string; path: string; body: Json | null; authorization: string }[];
  trades: Map<string, FakeTrade>;
  failNext(kind: 'rate-limited' | 'server-error' | 'auth'): void;
  /** The payer pays: the trade succeeds and the TRANSACTION.SUCCESS notification is returned. */
  pay(outTradeNo: string): WebhookRequest;
  /** A processing refund succeeds: REFUND.SUCCESS. */
  settleRefund(outRefundNo: string): WebhookRequest;
  /** A notification as WeChat Pay sends it; options forge or age it. */
  notification(
    eventType: string,
    resource: Json,
    options?: { id?: string; timestamp?: number; signWith?: string; serial?: string; apiV3Key?: string },
  ): WebhookRequest;
  /** Verifies a JSAPI `paySign` as the WeChat client does. */
  verifyPaySign(params: Record<string, string>): boolean;
  close(): Promise<void>;
}

function rsaPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** AEAD_AES_256_GCM as WeChat Pay encrypts resources: base64(ciphertext ‖ 16-byte tag). */
export function encryptResource(plain: string, apiV3Key: string, associatedData: string): Json {
  const iv = randomBytes(6).toString('hex'); // 12 characters, used as bytes
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(iv, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: data.toString('base64'),
    associated_data: associatedData,
    nonce: iv,
  };
}

const AUTH = /^WECHATPAY2-SHA256-RSA2048 (.+)$/;

function parseAuthorization(value: string): Record<string, string> | null {
  const m = AUTH.exec(value);
  if (!m) return null;
  const out: Record<string, string> = {};
  for (const part of (m[1] ?? '').split(',')) {
    const kv = /^\s*(\w+)="([^"]*)"\s*$/.exec(part);
    if (!kv) return null;
    out[kv[1] ?? ''] = kv[2] ?? '';
  }
  return out;
}

export async function startFakeWechatPay(options: { now?: () => number } = {}): Promise<FakeWechatPay> {
  const now = options.now ?? (() => Date.now());
  const merchant = rsaPair();
  const platform = rsaPair();
  const config = {
    mchId: '1900000109',
    appId: 'wxd678efh567hg6787',
    certSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKey: merchant.privateKey,
    apiV3Key: 'Kith0Fake0APIv3Key0000000000000A',
    platformKeys: [{ serial: 'PUB_KEY_ID_0119000001092025000100000000', pem: platform.publicKey }],
  };
  const serial = config.platformKeys[0]?.serial ?? '';
  const requests: FakeWechatPay['requests'] = [];
  const trades = new Map<string, FakeTrade>();
  const refunds = new Map<string, { body: string; answer: Json; trade: FakeTrade; amount: number }>();
  let failure: 'rate-limited' | 'server-error' | 'auth' | null = null;
  let seq = 0;
  const ts = () => Math.floor(now() / 1000);
  const merchantKey = createPublicKey(merchant.publicKey);

  function error(status: number, code: string, message: string) {
    return { status, body: { code, message } as Json };
  }

  function tradeView(t: FakeTrade): Json {
    return {
      appid: config.appId,
      mchid: config.mchId,
      out_trade_no: t.out_trade_no,
      ...(t.transaction_id ? { transaction_id: t.transaction_id } : {}),
      trade_state: t.trade_state,
      trade_state_desc: t.trade_state,
      ...(t.attach ? { attach: t.attach } : {}),
      amount: { total: t.total, payer_total: t.total, currency: 'CNY', payer_currency: 'CNY' },
    };
  }

  function order(kind: 'native' | 'jsapi', raw: string, b: Json): { status: number; body: Json } {
    const amount = (b.amount ?? {}) as Json;
    const no = String(b.out_trade_no ?? '');
    if (b.appid !== config.appId || b.mchid !== config.mchId)
      return error(400, 'PARAM_ERROR', 'appid和mch_id不匹配');
    if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(no))
      return error(400, 'PARAM_ERROR', '商户订单号 out_trade_no 格式错误');
    if (!Number.isSafeInteger(amount.total) || Number(amount.total) < 1)
      return error(
        400,
        'PARAM_ERROR',
        '输入源“/body/amount/total”映射到值字段“总金额”字符串规则校验失败，值应为整数',
      );
    if ((amount.currency ?? 'CNY') !== 'CNY') return error(400, 'PARAM_ERROR', '币种不支持');
    if (typeof b.description !== 'string' || typeof b.notify_url !== 'string')
      return error(400, 'PARAM_ERROR', '缺少参数 description/notify_url');
    if (kind === 'jsapi' && typeof (b.payer as Json | undefined)?.openid !== 'string')
      return error(400, 'PARAM_ERROR', '缺少参数 payer.openid');
    const seen = trades.get(no);
    if (seen) {
      if (seen.trade_state === 'SUCCESS') return error(400, 'ORDERPAID', '该订单已支付');
      if (seen.body !== raw) return error(400, 'INVALID_REQUEST', '201 商户订单号重复');
      return { status: 200, body: seen.answer };
    }
    const id = (++seq).toString().padStart(8, '0');
    const answer =
      kind === 'native'
        ? { code_url: `weixin://wxpay/bizpayurl?pr=fake${id}` }
        : { prepay_id: `wx${id}fakeprepay` };
    trades.set(no, {
      body: raw,
      answer,
      out_trade_no: no,
      transaction_id: null,
      trade_state: 'NOTPAY',
      ...(typeof b.attach === 'string' ? { attach: b.attach } : {}),
      total: Number(amount.total),
      refunded: 0,
    });
    return { status: 200, body: answer };
  }

  function refund(raw: string, b: Json): { status: number; body: Json } {
    const amount = (b.amount ?? {}) as Json;
    const trade = [...trades.values()].find(
      (t) =>
        (b.transaction_id !== undefined && t.transaction_id === b.transaction_id) ||
        t.out_trade_no === b.out_trade_no,
    );
    if (!trade || trade.trade_state === 'NOTPAY') return error(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const no = String(b.out_refund_no ?? '');
    const seen = refunds.get(no);
    if (seen)
      return seen.body === raw
        ? { status: 200, body: seen.answer }
        : error(400, 'INVALID_REQUEST', '退款单号重复');
    if (amount.total !== trade.total) return error(400, 'PARAM_ERROR', '订单金额与退款金额不符');
    const r = Number(amount.refund);
    if (!Number.isSafeInteger(r) || r < 1) return error(400, 'PARAM_ERROR', '退款金额必须为正整数');
    if (trade.refunded + r > trade.total) return error(403, 'NOT_ENOUGH', '退款金额超过订单可退金额');
    trade.refunded += r;
    trade.trade_state = 'REFUND';
    const answer = {
      refund_id: `50000000${(++seq).toString().padStart(8, '0')}`,
      out_refund_no: no,
      transaction_id: trade.transaction_id,
      out_trade_no: trade.out_trade_no,
      status: 'PROCESSING',
      amount: { total: trade.total, refund: r, payer_total: trade.total, payer_refund: r, currency: 'CNY' },
    };
    refunds.set(no, { body: raw, answer, trade, amount: r });
    return { status: 200, body: answer };
  }

  function route(method: string, url: URL, raw: string): { status: number; body: Json | null } {
    const path = url.pathname;
    const b = raw === '' ? {} : (JSON.parse(raw) as Json);
    if (method === 'POST' && path === '/v3/pay/transactions/native') return order('native', raw, b);
    if (method === 'POST' && path === '/v3/pay/transactions/jsapi') return order('jsapi', raw, b);
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') return refund(raw, b);
    let m = /^\/v3\/pay\/transactions\/(out-trade-no|id)\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) {
      if (url.searchParams.get('mchid') !== config.mchId) return error(400, 'PARAM_ERROR', 'mchid 不匹配');
      const key = decodeURIComponent(m[2] ?? '');
      const t = m[1] === 'id' ? [...trades.values()].find((x) => x.transaction_id === key) : trades.get(key);
      return t ? { status: 200, body: tradeView(t) } : error(404, 'ORDER_NOT_EXIST', '订单不存在');
    }
    m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/.exec(path);
    if (method === 'POST' && m) {
      const t = trades.get(decodeURIComponent(m[1] ?? ''));
      if (!t) return error(404, 'ORDER_NOT_EXIST', '订单不存在');
      if (t.trade_state === 'SUCCESS') return error(400, 'ORDERPAID', '订单已支付');
      t.trade_state = 'CLOSED';
      return { status: 204, body: null };
    }
    return error(404, 'NOT_FOUND', `no route ${method} ${path}`);
  }

  function signedHeaders(body: string, o: { timestamp?: number; signWith?: string; serial?: string } = {}) {
    const t = String(o.timestamp ?? ts());
    const n = nonce();
    return {
      'Wechatpay-Timestamp': t,
      'Wechatpay-Nonce': n,
      'Wechatpay-Signature': rsaSign(signedMessage(t, n, body), o.signWith ?? platform.privateKey),
      'Wechatpay-Serial': o.serial ?? serial,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const authorization = String(req.headers.authorization ?? '');
    requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      body: raw === '' ? null : (JSON.parse(raw) as Json),
      authorization,
    });
    const send = (status: number, body: Json | null) => {
      const text = body === null ? '' : JSON.stringify(body);
      const signed = status < 300 ? signedHeaders(text) : {};
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req-${++seq}`, ...signed });
      res.end(text);
    };
    const a = parseAuthorization(authorization);
    const signedOk =
      a !== null &&
      a.mchid === config.mchId &&
      a.serial_no === config.certSerial &&
      Math.abs(Number(a.timestamp) - ts()) < 300 &&
      rsaVerify(
        signedMessage(method, `${url.pathname}${url.search}`, a.timestamp ?? '', a.nonce_str ?? '', raw),
        a.signature ?? '',
        merchantKey,
      );
    if (!signedOk || failure === 'auth') {
      failure = null;
      return send(401, { code: 'SIGN_ERROR', message: '签名错误' });
    }
    if (failure === 'rate-limited') {
      failure = null;
      return send(429, { code: 'FREQUENCY_LIMITED', message: '频率超限' });
    }
    if (failure === 'server-error') {
      failure = null;
      return send(500, { code: 'SYSTEM_ERROR', message: '系统错误' });
    }
    const out = route(method, url, raw);
    send(out.status, out.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const notification: FakeWechatPay['notification'] = (eventType, resource, o = {}) => {
    const type = eventType.startsWith('REFUND') ? 'refund' : 'transaction';
    const body = JSON.stringify({
      id: o.id ?? `EV-2026${(++seq).toString().padStart(12, '0')}`,
      create_time: new Date(now()).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: type === 'refund' ? '退款成功' : '支付成功',
      resource: {
        original_type: type,
        ...encryptResource(JSON.stringify(resource), o.apiV3Key ?? config.apiV3Key, type),
      },
    });
    return webhookRequest({
      headers: { 'content-type': 'application/json', ...signedHeaders(body, o) },
      body,
    });
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    merchantPublicKey: merchant.publicKey,
    platformPrivateKey: platform.privateKey,
    requests,
    trades,
    failNext(kind) {
      failure = kind;
    },
    pay(no) {
      const t = trades.get(no);
      if (!t) throw new Error(`no trade ${no}`);
      t.trade_state = 'SUCCESS';
      t.transaction_id ??= `42000000${(++seq).toString().padStart(20, '0')}`;
      return notification('TRANSACTION.SUCCESS', {
        ...tradeView(t),
        trade_type: 'NATIVE',
        bank_type: 'OTHERS',
        success_time: new Date(now()).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      });
    },
    settleRefund(no) {
      const r = refunds.get(no);
      if (!r) throw new Error(`no refund ${no}`);
      r.answer.status = 'SUCCESS';
      return notification('REFUND.SUCCESS', {
        mchid: config.mchId,
        out_trade_no: r.trade.out_trade_no,
        transaction_id: r.trade.transaction_id,
        out_refund_no: no,
        refund_id: r.answer.refund_id,
        refund_status: 'SUCCESS',
        success_time: new Date(now()).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        user_received_account: '支付用户零钱',
        amount: {
          total: r.trade.total,
          refund: r.amount,
          payer_total: r.trade.total,
          payer_refund: r.amount,
        },
      });
    },
    notification,
    verifyPaySign(p) {
      return rsaVerify(
        signedMessage(p.appId ?? '', p.timeStamp ?? '', p.nonceStr ?? '', p.package ?? ''),
        p.paySign ?? '',
        merchantKey,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
