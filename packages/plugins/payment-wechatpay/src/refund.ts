import { type PaymentCapability, PluginError } from '@kith/sdk';
import { wechatCall } from './client.js';
import type { WechatPayConfig } from './config.js';
import { outRefundNo } from './crypto.js';
import { refundedKey, transaction } from './query.js';

export const refundKey = (refundNo: string): string => `refund:${refundNo}`;

interface RefundAnswer {
  refund_id: string;
  out_refund_no: string;
  out_trade_no: string;
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';
}

/**
 * `POST /v3/refund/domestic/refunds`. `out_refund_no` derives from Kith's refund id, and WeChat
 * Pay treats a repeated `out_refund_no` as the same refund: a retried effect refunds once. The
 * API wants the order's total beside the refund, which Kith's refund effect does not carry, so
 * the transaction is queried first (signed and verified like any answer).
 */
export const refund: NonNullable<PaymentCapability<WechatPayConfig>['refund']> = async (ctx, r) => {
  if (r.currency.toUpperCase() !== 'CNY')
    throw PluginError.permanent(`WeChat Pay refunds CNY only, not ${r.currency}`);
  const t = await transaction(ctx, r.order, r.providerPaymentId);
  const total = t.amount?.total;
  if (total === undefined) throw PluginError.transient('query order: no amount.total');
  const refundNo = outRefundNo(r.refund);
  await ctx.kv.set(refundKey(refundNo), r.refund);
  const res = await wechatCall<RefundAnswer>(ctx, 'refund', 'POST', '/v3/refund/domestic/refunds', {
    transaction_id: r.providerPaymentId,
    out_refund_no: refundNo,
    ...(r.reason === null ? {} : { reason: r.reason.slice(0, 80) }),
    notify_url: ctx.config.notifyUrl,
    amount: { refund: r.amount, total, currency: 'CNY' },
  });
  if (res === null) throw PluginError.transient('refund: empty answer');
  if (res.status === 'CLOSED' || res.status === 'ABNORMAL')
    throw PluginError.permanent(`refund ${refundNo} is ${res.status}: settle it in the Merchant Platform`);
  if (res.status === 'SUCCESS') {
    const seen = (await ctx.kv.get<Record<string, number>>(refundedKey(t.out_trade_no))) ?? {};
    await ctx.kv.set(refundedKey(t.out_trade_no), { ...seen, [refundNo]: r.amount });
  }
  return { providerRefundId: res.refund_id, status: res.status === 'SUCCESS' ? 'succeeded' : 'pending' };
};
