import { formatMinor, type PaymentCapability, PluginError } from '@kith/sdk';
import { alipay, execute, outTradeNo } from './client.js';
import type { AlipayConfig } from './config.js';

export interface TradeRecord {
  order: string;
  member: string;
}
export const tradeKey = (tradeNo: string): string => `trade:${tradeNo}`;

/** `body` is echoed back in notifications: it carries the order and member when they fit. */
function bodyOf(order: string, member: string): string | undefined {
  const b = JSON.stringify({ order, member });
  return b.length <= 128 ? b : undefined;
}

/**
 * 当面付 precreate (a QR code the payer scans) or 电脑网站支付 page pay (a cashier URL). The
 * amount goes to Alipay as a yuan string formatted from integer fen (`9900` → `"99.00"`), never
 * through a float. `out_trade_no` derives from the order: Alipay refuses a second trade with the
 * same number, and a repeated precreate of the same trade returns the same QR code.
 */
export const checkout: PaymentCapability<AlipayConfig>['checkout'] = async (ctx, r) => {
  if (r.currency.toUpperCase() !== 'CNY')
    throw PluginError.permanent(`Alipay charges CNY here, not ${r.currency}`);
  if (r.capture === 'manual')
    throw PluginError.permanent(
      'Alipay precreate/page pay cannot hold a payment for later capture (pre-sale)',
    );
  const tradeNo = outTradeNo(r.order);
  await ctx.kv.set(tradeKey(tradeNo), { order: r.order, member: r.member } satisfies TradeRecord);
  const body = bodyOf(r.order, r.member);
  const biz = {
    out_trade_no: tradeNo,
    total_amount: formatMinor(r.amount, 'CNY'),
    subject: r.description.slice(0, 256),
    ...(body === undefined ? {} : { body }),
  };
  if ((ctx.config.mode ?? 'precreate') === 'page') {
    // the page URL is signed locally: no call to Alipay until the payer opens it
    const url = alipay(ctx).pageExecute('alipay.trade.page.pay', 'GET', {
      bizContent: { ...biz, product_code: 'FAST_INSTANT_TRADE_PAY' },
      notifyUrl: ctx.config.notifyUrl,
      ...(ctx.config.returnUrl === undefined ? {} : { returnUrl: ctx.config.returnUrl }),
    });
    return { url, providerCheckoutId: tradeNo };
  }
  const a = await execute(ctx, 'precreate', 'alipay.trade.precreate', {
    notifyUrl: ctx.config.notifyUrl,
    bizContent: biz,
  });
  if (typeof a.qr_code !== 'string') throw PluginError.transient('precreate: no qr_code in the answer');
  return { url: a.qr_code, providerCheckoutId: tradeNo };
};
