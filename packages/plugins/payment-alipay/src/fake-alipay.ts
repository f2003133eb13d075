import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebhookRequest, webhookRequest } from '@kith/sdk/webhook';

/**
 * A fake Alipay gateway (OpenAPI 2.0, `gateway.do`) on 127.0.0.1 at a random port: it checks the
 * RSA2 signature over the sorted request parameters (all but `sign`) with the app's public key,
 * answers `{"<method>_response": {...}, "sign": "…"}` signed with its own key as Alipay does, keeps
 * trades by `out_trade_no` and refunds by `out_request_no` (repeats are the same refund), and
 * builds async notifications signed over the sorted parameters without `sign` and `sign_type`.
 */

type Params = Record<string, string>;

interface Trade {
  out_trade_no: string;
  trade_no: string | null;
  total: string;
  subject: string;
  body?: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';
  refunded: number; // fen
  qr_code: string;
}

/** Yuan string → fen, by string arithmetic (the fake must not use floats either). */
function fen(yuan: string): number {
  const [w = '0', f = ''] = yuan.split('.');
  return Number(w) * 100 + Number(f.padEnd(2, '0'));
}
const yuan = (f: number) => `${Math.floor(f / 100)}.${String(f % 100).padStart(2, '0')}`;

export function signParams(params: Params, privateKey: string, exclude: string[]): string {
  const content = Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64');
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time. */
export function beijing(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export interface FakeAlipay {
  gateway: string;
  appId: string;
  appPrivateKey: string;
  alipayPublicKey: string;
  /** The fake's own key: tests that sign a notification by hand use it. */
  alipayPrivateKey: string;
  requests: { method: string; biz: Record<string, unknown>; params: Params }[];
  trades: Map<string, Trade>;
  failNext(kind: 'server-error' | 'auth'): void;
  /** The payer scans and pays: TRADE_SUCCESS. */
  pay(outTradeNo: string): WebhookRequest;
  /** The trade times out unpaid: TRADE_CLOSED. */
  close(outTradeNo: string): WebhookRequest;
  /** The notification Alipay sends after a refund. */
  refundNotice(outRequestNo: string): WebhookRequest;
  notify(params: Params, options?: { signWith?: string }): WebhookRequest;
  close_(): Promise<void>;
}

export async function startFakeAlipay(options: { now?: () => number } = {}): Promise<FakeAlipay> {
  const now = options.now ?? (() => Date.now());
  const pem = () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  };
  const app = pem();
  const ali = pem();
  const appId = '2021000000000001';
  const requests: FakeAlipay['requests'] = [];
  const trades = new Map<string, Trade>();
  const refunds = new Map<
    string,
    { answer: Record<string, unknown>; trade: Trade; amount: number; at: number }
  >();
  let failure: 'server-error' | 'auth' | null = null;
  let seq = 0;

  const fail = (sub_code: string, sub_msg: string, code = '40004', msg = 'Business Failed') => ({
    code,
    msg,
    sub_code,
    sub_msg,
  });

  function handleMethod(method: string, biz: Record<string, unknown>): Record<string, unknown> {
    if (method === 'alipay.trade.precreate') {
      const no = String(biz.out_trade_no ?? '');
      const total = String(biz.total_amount ?? '');
      if (!/^[0-9A-Za-z_]{1,64}$/.test(no))
        return fail('isv.invalid-parameter', 'out_trade_no 格式错误', '40002', 'Invalid Arguments');
      if (!/^\d+(\.\d{1,2})?$/.test(total) || fen(total) < 1)
        return fail('isv.invalid-parameter', 'total_amount 格式错误', '40002', 'Invalid Arguments');
      const seen = trades.get(no);
      if (seen) {
        if (seen.status === 'TRADE_SUCCESS') return fail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
        if (seen.total !== total) return fail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
        return { code: '10000', msg: 'Success', out_trade_no: no, qr_code: seen.qr_code };
      }
      const t: Trade = {
        out_trade_no: no,
        trade_no: null,
        total,
        subject: String(biz.subject ?? ''),
        ...(typeof biz.body === 'string' ? { body: biz.body } : {}),
        status: 'WAIT_BUYER_PAY',
        refunded: 0,
        qr_code: `https://qr.alipay.com/bax0${(++seq).toString().padStart(8, '0')}`,
      };
      trades.set(no, t);
      return { code: '10000', msg: 'Success', out_trade_no: no, qr_code: t.qr_code };
    }
    const trade = [...trades.values()].find(
      (t) =>
        (biz.trade_no !== undefined && t.trade_no === biz.trade_no) || t.out_trade_no === biz.out_trade_no,
    );
    if (method === 'alipay.trade.query') {
      if (!trade || trade.trade_no === null) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
      return {
        code: '10000',
        msg: 'Success',
        trade_no: trade.trade_no,
        out_trade_no: trade.out_trade_no,
        trade_status: trade.status,
        total_amount: trade.total,
      };
    }
    if (method === 'alipay.trade.refund') {
      if (!trade || trade.trade_no === null) return fail('ACQ.TRADE_NOT_EXIST', '交易不存在');
      const no = String(biz.out_request_no ?? trade.out_trade_no);
      const seen = refunds.get(no);
      if (seen) return { ...seen.answer, fund_change: 'N' };
      if (trade.status !== 'TRADE_SUCCESS') return fail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
      const amount = String(biz.refund_amount ?? '');
      if (!/^\d+(\.\d{1,2})?$/.test(amount))
        return fail('isv.invalid-parameter', 'refund_amount 格式错误', '40002', 'Invalid Arguments');
      if (trade.refunded + fen(amount) > fen(trade.total))
        return fail('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
      trade.refunded += fen(amount);
      if (trade.refunded === fen(trade.total)) trade.status = 'TRADE_CLOSED';
      const answer = {
        code: '10000',
        msg: 'Success',
        trade_no: trade.trade_no,
        out_trade_no: trade.out_trade_no,
        buyer_logon_id: 'kit***@example.com',
        fund_change: 'Y',
        refund_fee: yuan(trade.refunded),
      };
      refunds.set(no, { answer, trade, amount: fen(amount), at: now() });
      return answer;
    }
    return fail('isv.invalid-method', '不存在的方法名', '40002', 'Invalid Arguments');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const params: Params = {
      ...Object.fromEntries(url.searchParams),
      ...Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
    };
    const method = params.method ?? '';
    const biz = params.biz_content ? (JSON.parse(params.biz_content) as Record<string, unknown>) : {};
    requests.push({ method, biz, params });
    if (failure === 'server-error') {
      failure = null;
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>502 Bad Gateway</html>');
      return;
    }
    const { sign, ...rest } = params;
    const signedOk =
      params.app_id === appId &&
      failure !== 'auth' &&
      sign !== undefined &&
      createVerify('RSA-SHA256')
        .update(
          Object.keys(rest)
            .sort()
            .map((k) => `${k}=${rest[k]}`)
            .join('&'),
          'utf8',
        )
        .verify(app.publicKey, sign, 'base64');
    const answer = signedOk
      ? handleMethod(method, biz)
      : params.app_id !== appId || failure === 'auth'
        ? fail('isv.invalid-app-id', '无效的AppID参数', '40002', 'Invalid Arguments')
        : fail('isv.invalid-signature', '验签出错', '40002', 'Invalid Arguments');
    failure = null;
    const inner = JSON.stringify(answer);
    const signature = createSign('RSA-SHA256').update(inner, 'utf8').sign(ali.privateKey, 'base64');
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', trace_id: `trace${++seq}` });
    res.end(`{"${method.replaceAll('.', '_')}_response":${inner},"sign":"${signature}"}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const notify: FakeAlipay['notify'] = (params, o = {}) => {
    const all: Params = {
      charset: 'utf-8',
      version: '1.0',
      app_id: appId,
      notify_type: 'trade_status_sync',
      ...params,
    };
    const sign = signParams(all, o.signWith ?? ali.privateKey, ['sign', 'sign_type']);
    const body = new URLSearchParams({ ...all, sign_type: 'RSA2', sign }).toString();
    return webhookRequest({
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
  };

  function tradeParams(t: Trade): Params {
    return {
      notify_time: beijing(now()),
      notify_id: `2026${(++seq).toString().padStart(28, '0')}`,
      trade_no: t.trade_no ?? '',
      out_trade_no: t.out_trade_no,
      trade_status: t.status,
      total_amount: t.total,
      receipt_amount: t.total,
      subject: t.subject,
      ...(t.body === undefined ? {} : { body: t.body }),
      buyer_id: '2088102177846880',
      seller_id: '2088102177649450',
      gmt_create: beijing(now() - 60_000),
    };
  }

  const tradeOf = (no: string) => {
    const t = trades.get(no);
    if (!t) throw new Error(`no trade ${no}`);
    return t;
  };

  return {
    gateway: `http://127.0.0.1:${port}/gateway.do`,
    appId,
    appPrivateKey: app.privateKey,
    alipayPublicKey: ali.publicKey,
    alipayPrivateKey: ali.privateKey,
    requests,
    trades,
    failNext(kind) {
      failure = kind;
    },
    pay(no) {
      const t = tradeOf(no);
      t.status = 'TRADE_SUCCESS';
      t.trade_no ??= `2026050122001${(++seq).toString().padStart(15, '0')}`;
      return notify({ ...tradeParams(t), gmt_payment: beijing(now()) });
    },
    close(no) {
      const t = tradeOf(no);
      t.status = 'TRADE_CLOSED';
      t.trade_no ??= `2026050122001${(++seq).toString().padStart(15, '0')}`;
      return notify({ ...tradeParams(t), gmt_close: beijing(now()) });
    },
    refundNotice(requestNo) {
      const r = refunds.get(requestNo);
      if (!r) throw new Error(`no refund ${requestNo}`);
      return notify({
        ...tradeParams(r.trade),
        out_biz_no: requestNo,
        refund_fee: yuan(r.trade.refunded),
        gmt_refund: `${beijing(r.at)}.000`.slice(0, 19),
      });
    },
    notify,
    close_: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
