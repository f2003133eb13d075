import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, inviteKey, type WebhookHandler } from '@kith/sdk';
import { bodyJson, header, STANDARD_WEBHOOK_HEADERS, verifyStandardWebhook } from '@kith/sdk/webhook';
import type { WebhookConfig } from './config.js';
import type { Envelope } from './envelope.js';

const TYPES = new Set<string>(Object.values(CHANNEL_EVENTS));
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Inbound events from the receiver's side, signed the same way (Standard Webhooks). Replays
 * within the window are not refused here: the event id is the `webhook-id`, so a redelivery is
 * the same event and the engine ingests it once — refusing it would lose an event whose first
 * delivery we failed to answer.
 */
export const inbound: WebhookHandler<WebhookConfig> = {
  verify: (ctx, request) =>
    verifyStandardWebhook(request, {
      secret: ctx.config.inboundSecret ?? ctx.config.secret,
      now: ctx.clock.now(),
    }),

  async parse(ctx, request) {
    const id = header(request, STANDARD_WEBHOOK_HEADERS.id)!;
    const env = bodyJson(request) as Partial<Envelope> | undefined;
    if (env === undefined || typeof env.type !== 'string' || !TYPES.has(env.type)) return { events: [] };
    const d = (env.data ?? {}) as Record<string, unknown>;
    const at = typeof env.timestamp === 'string' ? Date.parse(env.timestamp) : Number.NaN;
    const data: Record<string, unknown> = {};
    if (env.type === CHANNEL_EVENTS.messageReceived)
      Object.assign(data, { text: str(d.text) ?? '', messageId: str(d.messageId) ?? id });
    if (env.type === CHANNEL_EVENTS.buttonClicked)
      Object.assign(data, { value: str(d.value) ?? '', messageId: str(d.messageId) });
    if (env.type === CHANNEL_EVENTS.memberJoined) {
      const invite = str(d.invite);
      const stored =
        invite === null
          ? undefined
          : await ctx.kv.get<{ attribution: Record<string, string> }>(inviteKey(invite));
      Object.assign(data, { invite, attribution: stored?.attribution ?? null });
    }
    const event: InboundEvent = {
      id: inboundEventId('webhook', id),
      type: env.type,
      at: Number.isNaN(at) ? Number(header(request, STANDARD_WEBHOOK_HEADERS.timestamp)) * 1000 : at,
      address: str(d.address),
      member: str(d.member),
      name: str(d.name),
      group: str(d.group),
      data,
    };
    return { events: [event] };
  },
};
