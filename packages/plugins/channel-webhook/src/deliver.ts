import { randomUUID } from 'node:crypto';
import { errorFromResponse, type PluginContext, PluginError } from '@kith/sdk';
import { standardWebhookHeaders } from '@kith/sdk/webhook';
import type { WebhookConfig } from './config.js';
import type { Envelope } from './envelope.js';

/**
 * POSTs one envelope, signed per Standard Webhooks. `webhook-id` is the effect's idempotency key,
 * so a retried delivery carries the same id and the receiver can drop the duplicate.
 * Returns the receiver's `id` for the delivery when it gives one, else the webhook id.
 */
export async function deliver(
  ctx: PluginContext<WebhookConfig>,
  type: string,
  data: Record<string, unknown>,
): Promise<string> {
  const id = ctx.idempotencyKey ?? `msg_${randomUUID()}`;
  const now = ctx.clock.now();
  const envelope: Envelope = { type, timestamp: new Date(now).toISOString(), data };
  const body = JSON.stringify(envelope);
  const headers = {
    'content-type': 'application/json',
    ...standardWebhookHeaders(ctx.config.secret, { id, timestamp: Math.floor(now / 1000), body }),
  };
  let res: Response;
  try {
    res = await ctx.fetch(ctx.config.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(ctx.config.timeoutMs),
    });
  } catch (e) {
    throw PluginError.transient(
      `webhook receiver unreachable: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    ctx.logger.warn('webhook delivery refused', { status: res.status, id, type });
    throw errorFromResponse(res, {
      message: `receiver answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      now,
    });
  }
  try {
    const parsed = JSON.parse(text) as { id?: unknown };
    if (typeof parsed.id === 'string' && parsed.id !== '') return parsed.id;
  } catch {
    // A 2xx with no JSON body is a fine answer.
  }
  return id;
}
