import { type PaymentCapability, type PaymentState, PluginError } from '@kith/sdk';
import { wechatCall } from './client.js';
import type { WechatPayConfig } from './config.js';
import { outTradeNo } from './crypto.js';

/** A transaction as the query APIs and the TRANSACTION.SUCCESS resource describe it. */
export interface Transaction {
  out_trade_no: string;
  transaction_id?: string;
  trade_state: string;
  trade_state_desc?: string;
  attach?: string;
  success_time?: string;
  amount?: { total?: number; payer_total?: number; currency?: string };
}

const STATES: Readonly<Record<string, PaymentState>> = {
  SUCCESS: 'paid',
  REFUND: 'paid',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  CLOSED: 'failed',
  REVOKED: 'failed',
  PAYERROR: 'failed',
};

/** The transaction by WeChat Pay's id when known, else by our `out_trade_no`. */
export async function transaction(
  ctx: Parameters<NonNullable<PaymentCapability<WechatPayConfig>['query']>>[0],
  order: string,
  transactionId: string | null,
): Promise<Transaction> {
  const mchid = encodeURIComponent(ctx.config.mchId);
  const path =
    transactionId === null
      ? `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo(order))}?mchid=${mchid}`
      : `/v3/pay/transactions/id/${encodeURIComponent(transactionId)}?mchid=${mchid}`;
  const t = await wechatCall<Transaction>(ctx, 'query order', 'GET', path);
  if (t === null) throw PluginError.transient('query order: empty answer');
  return t;
}

export const refundedKey = (tradeNo: string): string => `refunded:${tradeNo}`;

/**
 * Where the trade stands. WeChat Pay's order query says REFUND but not how much: `refunded`
 * counts the refunds this plugin saw succeed (kept per trade in kv).
 */
export const query: NonNullable<PaymentCapability<WechatPayConfig>['query']> = async (ctx, r) => {
  const t = await transaction(ctx, r.order, r.providerPaymentId);
  const refunds = (await ctx.kv.get<Record<string, number>>(refundedKey(t.out_trade_no))) ?? {};
  return {
    order: r.order,
    state: STATES[t.trade_state] ?? 'pending',
    providerPaymentId: t.transaction_id ?? null,
    amount: t.amount?.total ?? 0,
    currency: t.amount?.currency ?? 'CNY',
    refunded: Object.values(refunds).reduce((a, b) => a + b, 0),
  };
};
