import {
  type InboundEvent,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  type WebhookHandler,
} from '@kith/sdk';
import { bodyJson, header, verifyStandardWebhook } from '@kith/sdk/webhook';
import type { SandboxConfig } from './config.js';

const PROVIDER = 'payment-sandbox';

interface Envelope {
  type?: string;
  timestamp?: string;
  data?: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/**
 * Events from the sandbox service, verified as Standard Webhooks (HMAC-SHA256 of
 * `id.timestamp.body` under the whsec_ secret, 5-minute window) and mapped with the same SDK
 * builders as the real providers; the event id is the `webhook-id`, stable across redeliveries.
 */
export const webhook: WebhookHandler<SandboxConfig> = {
  verify: (ctx, request) =>
    verifyStandardWebhook(request, { secret: ctx.config.webhookSecret, now: ctx.clock.now() }),

  async parse(_ctx, request) {
    const e = (bodyJson(request) ?? {}) as Envelope;
    const d = e.data ?? {};
    const base = {
      id: header(request, 'webhook-id') ?? '',
      at: Date.parse(e.timestamp ?? '') || 0,
      orderId: str(d.orderId),
      paymentId: str(d.paymentId),
      provider: PROVIDER,
      member: str(d.member) || null,
    };
    let event: InboundEvent | null = null;
    if (e.type === 'payment.succeeded')
      event = paymentSucceeded({
        ...base,
        amount: int(d.amount),
        currency: str(d.currency),
        captured: d.captured !== false,
      });
    else if (e.type === 'payment.failed') event = paymentFailed({ ...base, reason: str(d.reason) || null });
    else if (e.type === 'payment.refunded')
      event = paymentRefunded({
        ...base,
        refundId: str(d.refundId),
        providerRefundId: str(d.providerRefundId),
        amount: int(d.amount),
        currency: str(d.currency),
      });
    return { events: event === null ? [] : [event], ack: 'ingested' };
  },
};
