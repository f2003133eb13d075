import {
  type InboundEvent,
  type PluginContext,
  paymentRefunded,
  paymentSucceeded,
  type WebhookHandler,
  type WebhookRequest,
} from '@kith/sdk';
import { bodyText, header } from '@kith/sdk/webhook';
import { type TradeRecord, tradeKey } from './checkout.js';
import { checkWechatSignature } from './client.js';
import type { WechatPayConfig } from './config.js';
import { decryptResource, type EncryptedResource } from './crypto.js';
import type { Transaction } from './query.js';
import { refundedKey, transaction } from './query.js';
import { refundKey } from './refund.js';

type Ctx = PluginContext<WechatPayConfig>;
const PROVIDER = 'wechatpay';

interface Notification {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  resource: EncryptedResource;
}

interface RefundResource {
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: string;
  success_time?: string;
  amount: { total: number; refund: number };
}

function notificationOf(request: WebhookRequest): Notification | null {
  try {
    const n = JSON.parse(bodyText(request)) as Partial<Notification>;
    if (typeof n.id !== 'string' || typeof n.event_type !== 'string' || typeof n.resource !== 'object')
      return null;
    return n as Notification;
  } catch {
    return null;
  }
}

function at(time: string | undefined, fallback: string): number {
  const t = Date.parse(time ?? fallback);
  return Number.isNaN(t) ? 0 : t;
}

/** The order and member of a trade: from `attach` when it carried them, else what checkout remembered. */
async function tradeOf(ctx: Ctx, tradeNo: string, attach: string | undefined): Promise<TradeRecord | null> {
  try {
    const a = JSON.parse(attach ?? '') as Partial<TradeRecord>;
    if (typeof a.order === 'string' && typeof a.member === 'string')
      return { order: a.order, member: a.member };
  } catch {
    // not ours, or too long to attach: fall back to kv
  }
  return (await ctx.kv.get<TradeRecord>(tradeKey(tradeNo))) ?? null;
}

async function paid(ctx: Ctx, n: Notification, t: Transaction): Promise<InboundEvent[]> {
  if (t.trade_state !== 'SUCCESS' || t.transaction_id === undefined) return [];
  const trade = await tradeOf(ctx, t.out_trade_no, t.attach);
  if (trade === null) {
    ctx.logger.warn('payment for an unknown trade', { outTradeNo: t.out_trade_no });
    return [];
  }
  return [
    paymentSucceeded({
      id: `notify:${n.id}`,
      at: at(t.success_time, n.create_time),
      orderId: trade.order,
      paymentId: t.transaction_id,
      provider: PROVIDER,
      member: trade.member,
      amount: t.amount?.total ?? 0,
      currency: t.amount?.currency ?? 'CNY',
      captured: true,
    }),
  ];
}

async function refunded(ctx: Ctx, n: Notification, r: RefundResource): Promise<InboundEvent[]> {
  if (r.refund_status !== 'SUCCESS') {
    ctx.logger.warn('refund did not succeed', { outRefundNo: r.out_refund_no, status: r.refund_status });
    return [];
  }
  // the refund resource has no attach: the order comes from kv, or from the transaction itself
  let trade = await tradeOf(ctx, r.out_trade_no, undefined);
  if (trade === null) {
    const t = await transaction(ctx, r.out_trade_no, r.transaction_id);
    trade = await tradeOf(ctx, r.out_trade_no, t.attach);
  }
  if (trade === null) return [];
  const seen = (await ctx.kv.get<Record<string, number>>(refundedKey(r.out_trade_no))) ?? {};
  await ctx.kv.set(refundedKey(r.out_trade_no), { ...seen, [r.out_refund_no]: r.amount.refund });
  return [
    paymentRefunded({
      id: `notify:${n.id}`,
      at: at(r.success_time, n.create_time),
      orderId: trade.order,
      paymentId: r.transaction_id,
      provider: PROVIDER,
      member: trade.member,
      refundId: (await ctx.kv.get<string>(refundKey(r.out_refund_no))) ?? r.out_refund_no,
      providerRefundId: r.refund_id,
      amount: r.amount.refund,
      currency: 'CNY',
    }),
  ];
}

/**
 * Notifications: the Wechatpay-Signature over `TIMESTAMP\nNONCE\nBODY\n` against the platform key
 * named by Wechatpay-Serial, a 5-minute window, then the resource decrypted (AES-256-GCM, APIv3
 * key). WeChat Pay redelivers a notification with the same `id` until it gets 200/204, so the
 * event id is built from it and a redelivery dedupes in the engine.
 */
export const webhook: WebhookHandler<WechatPayConfig> = {
  async verify(ctx, request) {
    const bad = checkWechatSignature(
      ctx,
      {
        timestamp: header(request, 'wechatpay-timestamp'),
        nonce: header(request, 'wechatpay-nonce'),
        signature: header(request, 'wechatpay-signature'),
        serial: header(request, 'wechatpay-serial'),
      },
      bodyText(request),
    );
    if (bad !== null) return { ok: false, ...bad };
    const n = notificationOf(request);
    if (n === null) return { ok: false, reason: 'malformed', message: 'not a WeChat Pay notification' };
    if (decryptResource(n.resource, ctx.config.apiV3Key) === null)
      return { ok: false, reason: 'bad-signature', message: 'resource does not decrypt under the APIv3 key' };
    return { ok: true };
  },

  async parse(ctx, request) {
    const n = notificationOf(request);
    const plain = n === null ? null : decryptResource(n.resource, ctx.config.apiV3Key);
    let events: InboundEvent[] = [];
    if (n !== null && plain !== null) {
      if (n.event_type === 'TRANSACTION.SUCCESS')
        events = await paid(ctx, n, JSON.parse(plain) as Transaction);
      else if (n.event_type.startsWith('REFUND.'))
        events = await refunded(ctx, n, JSON.parse(plain) as RefundResource);
    }
    return {
      events,
      // "接收成功：HTTP 200 或 204，无需应答报文"; anything else makes WeChat Pay retry
      reply: { status: 204 },
      ack: 'ingested',
      failureReply: {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'FAIL', message: 'not recorded yet' }),
      },
    };
  },
};
