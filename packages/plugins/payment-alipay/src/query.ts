import { type PaymentCapability, type PaymentState, PluginError, parseMinor } from '@kith/sdk';
import { type AlipayAnswer, alipay, answerError, outTradeNo } from './client.js';
import type { AlipayConfig } from './config.js';

const STATES: Readonly<Record<string, PaymentState>> = {
  WAIT_BUYER_PAY: 'pending',
  TRADE_SUCCESS: 'paid',
  TRADE_FINISHED: 'paid',
  TRADE_CLOSED: 'failed',
};

export const refundsKey = (tradeNo: string): string => `refunds:${tradeNo}`;

/**
 * `alipay.trade.query`. A precreated trade exists at Alipay only once scanned, so "no such trade"
 * (ACQ.TRADE_NOT_EXIST) is a pending payment. A fully refunded trade is TRADE_CLOSED with money
 * refunded: `refunded` (the refunds this plugin recorded) tells it from an unpaid close.
 */
export const query: NonNullable<PaymentCapability<AlipayConfig>['query']> = async (ctx, r) => {
  const tradeNo = outTradeNo(r.order);
  let a: AlipayAnswer;
  try {
    a = (await alipay(ctx).exec(
      'alipay.trade.query',
      {
        bizContent:
          r.providerPaymentId === null ? { out_trade_no: tradeNo } : { trade_no: r.providerPaymentId },
      },
      { validateSign: true },
    )) as unknown as AlipayAnswer;
  } catch (e) {
    throw PluginError.transient(`query: ${e instanceof Error ? e.message : String(e)}`);
  }
  const refunds = (await ctx.kv.get<Record<string, number>>(refundsKey(tradeNo))) ?? {};
  const refunded = Object.values(refunds).reduce((x, y) => x + y, 0);
  if (a.sub_code === 'ACQ.TRADE_NOT_EXIST')
    return {
      order: r.order,
      state: 'pending',
      providerPaymentId: null,
      amount: 0,
      currency: 'CNY',
      refunded,
    };
  if (a.code !== '10000') throw answerError('query', a);
  const status = String(a.trade_status);
  return {
    order: r.order,
    state: status === 'TRADE_CLOSED' && refunded > 0 ? 'paid' : (STATES[status] ?? 'pending'),
    providerPaymentId: typeof a.trade_no === 'string' ? a.trade_no : null,
    amount: parseMinor(String(a.total_amount ?? '0'), 'CNY') ?? 0,
    currency: 'CNY',
    refunded,
  };
};
