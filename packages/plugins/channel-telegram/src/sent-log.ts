import type { PluginContext } from '@kith/sdk';

/** Long enough to outlast every retry of an effect. */
const SENT_TTL_MS = 7 * 24 * 3600 * 1000;
const key = (idempotencyKey: string) => `sent:${idempotencyKey}`;

/**
 * The Bot API has no idempotency key, so a send the runtime delivers again (after a crash between
 * Telegram's answer and the outbox update) would post twice. Remembering the message id under the
 * effect's key closes that window as far as the plugin can; a timeout after Telegram accepted the
 * message can still double it, which is the at-least-once the runtime documents.
 */
export async function alreadySent(ctx: PluginContext<unknown>): Promise<string | undefined> {
  return ctx.idempotencyKey === null ? undefined : ctx.kv.get<string>(key(ctx.idempotencyKey));
}

export async function rememberSent(ctx: PluginContext<unknown>, providerMessageId: string): Promise<void> {
  if (ctx.idempotencyKey !== null)
    await ctx.kv.set(key(ctx.idempotencyKey), providerMessageId, { ttlMs: SENT_TTL_MS });
}
