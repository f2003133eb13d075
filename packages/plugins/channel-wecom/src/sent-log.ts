import type { PluginContext } from '@kith/sdk';

/** Long enough to outlast every retry of an effect. */
const SENT_TTL_MS = 7 * 24 * 3600 * 1000;
const key = (idempotencyKey: string) => `sent:${idempotencyKey}`;

/**
 * The robot API has no idempotency key, so an effect delivered again (after a crash between
 * WeCom's answer and the outbox update) would post twice; remembering it under the effect's key
 * closes that window as far as the plugin can.
 */
export async function alreadySent(ctx: PluginContext<unknown>): Promise<string | undefined> {
  return ctx.idempotencyKey === null ? undefined : ctx.kv.get<string>(key(ctx.idempotencyKey));
}

export async function rememberSent(ctx: PluginContext<unknown>, id: string): Promise<void> {
  if (ctx.idempotencyKey !== null) await ctx.kv.set(key(ctx.idempotencyKey), id, { ttlMs: SENT_TTL_MS });
}
