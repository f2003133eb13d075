import { createPluginContext } from '../context/create-context.js';
import type { PluginClock } from '../context/types.js';
import type { EventInput } from '../engine.js';
import type { VerifyFailureReason, WebhookReply, WebhookRequest } from '../webhook/types.js';
import type { PluginInstance } from './instance.js';

export type WebhookOutcome =
  | { status: 'rejected'; reason: VerifyFailureReason | 'no-webhook'; message: string }
  | { status: 'accepted'; events: EventInput[]; reply: WebhookReply | null };

export interface WebhookOptions {
  tenant: string;
  clock?: PluginClock;
  /** The runtime's directory: the Kith member with this address on this channel, if known. */
  memberOf?: (address: string, channel: string) => string | null;
}

/**
 * Runs an inbound webhook through the instance's plugin: verify, then parse, then turn each
 * normalised event into the engine's EventInput. Ids are prefixed with the instance id, so two
 * bots' update 1 are different events while a redelivered update is the same one.
 */
export async function handleWebhook(
  instance: PluginInstance,
  request: WebhookRequest,
  options: WebhookOptions,
): Promise<WebhookOutcome> {
  const { channel, payment } = instance.plugin.capabilities;
  const handler = channel?.webhook ?? payment?.webhook;
  if (handler === undefined) {
    return {
      status: 'rejected',
      reason: 'no-webhook',
      message: `${instance.plugin.name} has no inbound webhook`,
    };
  }
  const ctx = createPluginContext({
    plugin: instance.plugin.name,
    instance: instance.id,
    config: instance.config,
    secrets: instance.secrets,
    fetch: instance.fetch,
    clock: options.clock,
    kv: instance.kv,
    logSink: instance.logSink,
  });
  const verified = await handler.verify(ctx, request);
  if (!verified.ok) return { status: 'rejected', reason: verified.reason, message: verified.message };
  const parsed = await handler.parse(ctx, request);
  const events = parsed.events.map(
    (e): EventInput => ({
      tenant: options.tenant,
      id: `${instance.id}:${e.id}`,
      type: e.type,
      member:
        e.member ??
        (e.address !== null && options.memberOf ? options.memberOf(e.address, instance.id) : null),
      at: e.at,
      data: { ...e.data, channel: instance.id, address: e.address, group: e.group, name: e.name ?? null },
    }),
  );
  return { status: 'accepted', events, reply: parsed.reply ?? null };
}
