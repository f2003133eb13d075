import { formatMinor, type PaymentCapability, PluginError } from '@kith/sdk';
import { execute, outRequestNo } from './client.js';
import type { AlipayConfig } from './config.js';
import { refundsKey } from './query.js';

/** Kith's refund id and amount by `out_request_no`, for the notification that reports it. */
export interface RefundRecord {
  refund: string;
  amount: number;
  tradeNo: string;
}
export const refundKey = (requestNo: string): string => `refund:${requestNo}`;

/**
 * `alipay.trade.refund`, full or partial. `out_request_no` derives from Kith's refund id: Alipay
 * answers a repeated one with the first refund's result (fund_change N) instead of refunding
 * twice. Alipay settles refunds synchronously (`fund_change: Y`); the notification it sends
 * afterwards reports `payment.refunded`.
 */
export const refund: NonNullable<PaymentCapability<AlipayConfig>['refund']> = async (ctx, r) => {
  if (r.currency.toUpperCase() !== 'CNY')
    throw PluginError.permanent(`Alipay refunds CNY here, not ${r.currency}`);
  const requestNo = outRequestNo(r.refund);
  const a = await execute(ctx, 'refund', 'alipay.trade.refund', {
    bizContent: {
      trade_no: r.providerPaymentId,
      refund_amount: formatMinor(r.amount, 'CNY'),
      out_request_no: requestNo,
      ...(r.reason === null ? {} : { refund_reason: r.reason.slice(0, 256) }),
    },
  });
  const tradeNo = String(a.out_trade_no ?? '');
  await ctx.kv.set(refundKey(requestNo), {
    refund: r.refund,
    amount: r.amount,
    tradeNo,
  } satisfies RefundRecord);
  const seen = (await ctx.kv.get<Record<string, number>>(refundsKey(tradeNo))) ?? {};
  await ctx.kv.set(refundsKey(tradeNo), { ...seen, [requestNo]: r.amount });
  return { providerRefundId: `${String(a.trade_no)}:${requestNo}`, status: 'succeeded' };
};
