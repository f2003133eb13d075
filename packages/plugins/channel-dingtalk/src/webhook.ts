import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, type WebhookHandler } from '@kith/sdk';
import { bodyJson, checkTimestamp, header } from '@kith/sdk/webhook';
import type { DingTalkConfig } from './config.js';
import { isOutgoingMessage, type OutgoingMessage } from './outgoing.js';
import { dingtalkVerify, SIGNATURE_TOLERANCE_MS } from './signing.js';

/** A signed request is remembered for as long as its timestamp could still pass the window. */
const SEEN_TTL_MS = 2 * SIGNATURE_TOLERANCE_MS;
const seenKey = (timestamp: string, msgId: string) => `seen:${timestamp}:${msgId}`;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function eventOf(m: OutgoingMessage, timestamp: number): InboundEvent {
  const created = Number(m.createAt);
  return {
    // DingTalk's own message id: a redelivery of the same message is the same event.
    id: inboundEventId('dingtalk', m.msgId),
    type: CHANNEL_EVENTS.messageReceived,
    at: Number.isFinite(created) && created > 0 ? created : timestamp,
    // The organisation's userid when DingTalk gives it (stable across robots), else the robot-scoped id.
    address: str(m.senderStaffId) ?? str(m.senderId),
    name: str(m.senderNick),
    group: m.conversationType === '2' ? str(m.conversationId) : null,
    data: {
      text: m.msgtype === 'text' ? (m.text?.content ?? '').trim() : '',
      messageId: m.msgId,
      msgtype: m.msgtype,
      senderId: str(m.senderId),
      senderStaffId: str(m.senderStaffId),
      senderCorpId: str(m.senderCorpId),
    },
  };
}

/**
 * Outgoing-robot callbacks. DingTalk signs the `timestamp` header (ms) into the `sign` header with
 * the AppSecret (see signing.ts) and asks callees to refuse timestamps more than an hour off.
 * The signature does not cover the body, so a captured request is refused when it comes again
 * (same timestamp and msgId) within the window; a genuine redelivery is signed anew, verifies,
 * and yields the same event id, which the engine ingests once.
 */
export const webhook: WebhookHandler<DingTalkConfig> = {
  async verify(ctx, request) {
    const secret = ctx.config.appSecret;
    if (secret === undefined) {
      return { ok: false, reason: 'missing-signature', message: 'inbound is not configured: set appSecret' };
    }
    const timestamp = header(request, 'timestamp');
    const sign = header(request, 'sign');
    if (timestamp === undefined || sign === undefined) {
      return { ok: false, reason: 'missing-signature', message: 'timestamp and sign headers are required' };
    }
    if (!/^\d{1,16}$/.test(timestamp)) {
      return { ok: false, reason: 'malformed', message: 'timestamp is not milliseconds' };
    }
    if (checkTimestamp(Number(timestamp), ctx.clock.now(), SIGNATURE_TOLERANCE_MS) !== 'ok') {
      return { ok: false, reason: 'stale', message: 'timestamp is more than an hour from now' };
    }
    if (!dingtalkVerify(secret, timestamp, sign)) {
      return { ok: false, reason: 'bad-signature', message: 'sign does not match' };
    }
    const message = bodyJson(request);
    if (!isOutgoingMessage(message)) {
      return { ok: false, reason: 'malformed', message: 'body is not a DingTalk robot message' };
    }
    const key = seenKey(timestamp, message.msgId);
    if ((await ctx.kv.get(key)) !== undefined) {
      return { ok: false, reason: 'replayed', message: 'this signed request was already received' };
    }
    await ctx.kv.set(key, true, { ttlMs: SEEN_TTL_MS });
    return { ok: true };
  },

  async parse(_ctx, request) {
    const message = bodyJson(request);
    if (!isOutgoingMessage(message)) return { events: [] };
    return { events: [eventOf(message, Number(header(request, 'timestamp')))] };
  },
};
