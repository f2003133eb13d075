import { createHash } from 'node:crypto';
import type { WebhookHandler } from '@kith/sdk';
import { bodyJson, constantTimeEqual, header } from '@kith/sdk/webhook';
import type { TelegramConfig } from './config.js';
import { eventsOf, type TelegramUpdate } from './updates.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Digests first, so the comparison takes the same time whatever the length of a guess. */
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

function isUpdate(v: unknown): v is TelegramUpdate {
  return (
    typeof v === 'object' && v !== null && Number.isSafeInteger((v as { update_id?: unknown }).update_id)
  );
}

/**
 * Telegram authenticates webhooks with the secret_token given to setWebhook, sent back verbatim in
 * X-Telegram-Bot-Api-Secret-Token. Updates carry no timestamp to window: a redelivered update keeps
 * its update_id, so it becomes the same event and the engine ingests it once.
 */
export const webhook: WebhookHandler<TelegramConfig> = {
  async verify(ctx, request) {
    if (request.method !== 'POST')
      return { ok: false, reason: 'malformed', message: 'Telegram only POSTs updates' };
    const token = header(request, SECRET_HEADER);
    if (token === undefined)
      return { ok: false, reason: 'missing-signature', message: `${SECRET_HEADER} is missing` };
    return constantTimeEqual(digest(token), digest(ctx.config.webhookSecret))
      ? { ok: true }
      : { ok: false, reason: 'bad-signature', message: `${SECRET_HEADER} does not match the webhook secret` };
  },

  async parse(ctx, request) {
    const update = bodyJson(request);
    if (!isUpdate(update)) return { events: [] };
    const events = await eventsOf(ctx, update);
    const query = update.callback_query;
    if (query === undefined) return { events };
    // Clients show a spinner on the button until the query is answered; answering in the webhook
    // response (a documented Bot API shortcut) saves a request and cannot fail the ingestion.
    return {
      events,
      reply: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'answerCallbackQuery', callback_query_id: query.id }),
      },
    };
  },
};
