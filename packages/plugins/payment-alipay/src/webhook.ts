import {
  type InboundEvent,
  type PluginContext,
  parseMinor,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  type WebhookHandler,
  type WebhookRequest,
} from '@kith/sdk';
import { bodyText, checkTimestamp } from '@kith/sdk/webhook';
import { type TradeRecord, tradeKey } from './checkout.js';
import { alipay } from './client.js';
import type { AlipayConfig } from './config.js';
import { refundsKey } from './query.js';
import { type RefundRecord, refundKey } from './refund.js';

type Ctx = PluginContext<AlipayConfig>;
type Params = Record<string, string>;
const PROVIDER = 'alipay';

/** The async notification is a form POST (application/x-www-form-urlencoded, UTF-8). */
function paramsOf(request: WebhookRequest): Params {
  return Object.fromEntries(new URLSearchParams(bodyText(request)));
}

/** Alipay prints times as `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8). */
export function beijingTime(s: string | undefined): number {
  if (s === undefined || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(s)) return Number.NaN;
  return Date.parse(`${s.replace(' ', 'T')}+08:00`);
}

async function tradeOf(ctx: Ctx, p: Params): Promise<TradeRecord | null> {
  try {
    const b = JSON.parse(p.body ?? '') as Partial<TradeRecord>;
    if (typeof b.order === 'string' && typeof b.member === 'string')
      return { order: b.order, member: b.member };
  } catch {
    // not ours, or too long to carry: fall back to kv
  }
  return (await ctx.kv.get<TradeRecord>(tradeKey(p.out_trade_no ?? ''))) ?? null;
}

/**
 * A refund notification names its refund (`out_biz_no`, our out_request_no) but gives the
 * trade's cumulative `refund_fee`: the refund's own amount is what `refund` recorded, or else the
 * cumulative total less the other refunds known for the trade.
 */
async function refundAmount(
  ctx: Ctx,
  p: Params,
  requestNo: string,
  rec: RefundRecord | undefined,
): Promise<number | null> {
  if (rec !== undefined) return rec.amount;
  const total = parseMinor(p.refund_fee ?? '', 'CNY');
  if (total === null) return null;
  const known = (await ctx.kv.get<Record<string, number>>(refundsKey(p.out_trade_no ?? ''))) ?? {};
  const others = Object.entries(known).reduce(
    (sum, [no, amount]) => (no === requestNo ? sum : sum + amount),
    0,
  );
  return total - others;
}

async function eventsOf(ctx: Ctx, p: Params): Promise<InboundEvent[]> {
  const tradeNo = p.trade_no;
  const trade = await tradeOf(ctx, p);
  if (tradeNo === undefined || trade === null) return [];
  const base = { orderId: trade.order, paymentId: tradeNo, provider: PROVIDER, member: trade.member };
  const requestNo = p.out_biz_no;
  if (requestNo !== undefined && requestNo !== '' && p.refund_fee !== undefined) {
    const rec = await ctx.kv.get<RefundRecord>(refundKey(requestNo));
    const amount = await refundAmount(ctx, p, requestNo, rec);
    if (amount === null || amount <= 0) return [];
    return [
      paymentRefunded({
        ...base,
        id: `refund:${tradeNo}:${requestNo}`,
        at: beijingTime(p.gmt_refund) || beijingTime(p.notify_time),
        refundId: rec?.refund ?? requestNo,
        providerRefundId: `${tradeNo}:${requestNo}`,
        amount,
        currency: 'CNY',
      }),
    ];
  }
  const status = p.trade_status;
  if (status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED') {
    const amount = parseMinor(p.total_amount ?? '', 'CNY');
    if (amount === null) return [];
    // TRADE_FINISHED follows TRADE_SUCCESS when the refund period ends: the same payment, the same id
    return [
      paymentSucceeded({
        ...base,
        id: `paid:${tradeNo}`,
        at: beijingTime(p.gmt_payment) || beijingTime(p.notify_time),
        amount,
        currency: 'CNY',
        captured: true,
      }),
    ];
  }
  if (status === 'TRADE_CLOSED')
    return [
      paymentFailed({
        ...base,
        id: `closed:${tradeNo}`,
        at: beijingTime(p.gmt_close) || beijingTime(p.notify_time),
        reason: 'TRADE_CLOSED',
      }),
    ];
  return [];
}

/**
 * RSA2 over the sorted `k=v` pairs without `sign` and `sign_type`, checked by the SDK's
 * `checkNotifySignV2` (on decoded values, so a `%` in a value cannot break it) against the Alipay
 * public key; the app id must be ours and the signed `notify_time` recent. Event ids come from
 * the trade and refund numbers, so a redelivery (a new notify_time, the same trade) is the same event.
 */
export const webhook: WebhookHandler<AlipayConfig> = {
  async verify(ctx, request) {
    const p = paramsOf(request);
    if (!p.sign) return { ok: false, reason: 'missing-signature', message: 'no sign parameter' };
    if (!alipay(ctx).checkNotifySignV2(p))
      return { ok: false, reason: 'bad-signature', message: 'sign does not verify' };
    if (p.app_id !== ctx.config.appId)
      return { ok: false, reason: 'bad-signature', message: `app_id ${p.app_id} is not ours` };
    const tolerance = (ctx.config.notifyToleranceSeconds ?? 300) * 1000;
    if (checkTimestamp(beijingTime(p.notify_time), ctx.clock.now(), tolerance) !== 'ok')
      return { ok: false, reason: 'stale', message: `notify_time ${p.notify_time} is outside the window` };
    return { ok: true };
  },

  async parse(ctx, request) {
    return {
      events: await eventsOf(ctx, paramsOf(request)),
      // Alipay stops redelivering on the seven characters `success`: send them only once recorded
      reply: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'success' },
      ack: 'ingested',
      failureReply: { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'fail' },
    };
  },
};
