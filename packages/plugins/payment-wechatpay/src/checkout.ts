import { type PaymentCapability, type PluginContext, PluginError } from '@kith/sdk';
import { wechatCall } from './client.js';
import type { WechatPayConfig } from './config.js';
import { nonce, outTradeNo, rsaSign, signedMessage } from './crypto.js';

type Ctx = PluginContext<WechatPayConfig>;

/** What the plugin remembers of a trade, for notifications whose `attach` could not carry it. */
export interface TradeRecord {
  order: string;
  member: string;
}
export const tradeKey = (tradeNo: string): string => `trade:${tradeNo}`;

/** `attach` (≤ 128 bytes) carries the order and member back in the notification. */
function attachOf(order: string, member: string): string | undefined {
  const a = JSON.stringify({ order, member });
  return Buffer.byteLength(a) <= 128 ? a : undefined;
}

/**
 * The parameters `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` (or `wx.requestPayment`)
 * takes, with `paySign` = SHA256-RSA over `appId\ntimeStamp\nnonceStr\npackage\n` with the
 * merchant key, as the official SDKs' JSAPI helpers compute it.
 */
export function jsapiParams(ctx: Ctx, prepayId: string): Record<string, string> {
  const timeStamp = String(Math.floor(ctx.clock.now() / 1000));
  const nonceStr = nonce();
  const pkg = `prepay_id=${prepayId}`;
  const paySign = rsaSign(signedMessage(ctx.config.appId, timeStamp, nonceStr, pkg), ctx.config.privateKey);
  return { appId: ctx.config.appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
}

/**
 * A Native (QR code) or JSAPI order. `out_trade_no` derives from the order, and WeChat Pay
 * answers a repeated order with the same number and parameters with the same code_url or
 * prepay_id: it is the idempotency key, so a retried effect never creates a second trade.
 */
export const checkout: PaymentCapability<WechatPayConfig>['checkout'] = async (ctx, r) => {
  if (r.currency.toUpperCase() !== 'CNY')
    throw PluginError.permanent(`WeChat Pay charges CNY only, not ${r.currency}`);
  if (r.capture === 'manual')
    throw PluginError.permanent('WeChat Pay Native/JSAPI cannot hold a payment for later capture (pre-sale)');
  const mode = ctx.config.mode ?? 'native';
  if (mode === 'jsapi' && r.payer === null)
    throw PluginError.permanent(
      `JSAPI needs the payer's openid; member ${r.member} has none on ${ctx.instance}`,
    );
  const tradeNo = outTradeNo(r.order);
  await ctx.kv.set(tradeKey(tradeNo), { order: r.order, member: r.member } satisfies TradeRecord);
  const attach = attachOf(r.order, r.member);
  const body = {
    appid: ctx.config.appId,
    mchid: ctx.config.mchId,
    description: r.description.slice(0, 127),
    out_trade_no: tradeNo,
    notify_url: ctx.config.notifyUrl,
    ...(attach === undefined ? {} : { attach }),
    amount: { total: r.amount, currency: 'CNY' },
    ...(mode === 'jsapi' ? { payer: { openid: r.payer } } : {}),
  };
  if (mode === 'native') {
    const res = await wechatCall<{ code_url: string }>(
      ctx,
      'native order',
      'POST',
      '/v3/pay/transactions/native',
      body,
    );
    if (!res?.code_url) throw PluginError.transient('native order: no code_url in the answer');
    return { url: res.code_url, providerCheckoutId: tradeNo };
  }
  const res = await wechatCall<{ prepay_id: string }>(
    ctx,
    'jsapi order',
    'POST',
    '/v3/pay/transactions/jsapi',
    body,
  );
  if (!res?.prepay_id) throw PluginError.transient('jsapi order: no prepay_id in the answer');
  const client = jsapiParams(ctx, res.prepay_id);
  const page = ctx.config.jsapiPage;
  const url =
    page === undefined
      ? ''
      : `${page}${page.includes('?') ? '&' : '?'}${new URLSearchParams({ order: r.order, ...client })}`;
  return { url, providerCheckoutId: tradeNo, client };
};
