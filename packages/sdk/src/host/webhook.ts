import { createPluginContext } from '../context/create-context.js';
import type { PluginClock } from '../context/types.js';
import type { EventInput } from '../engine.js';
import type { VerifyFailureReason, WebhookAck, WebhookReply, WebhookRequest } from '../webhook/types.js';
import type { PluginInstance } from './instance.js';

export type WebhookOutcome =
  | { status: 'rejected'; reason: VerifyFailureReason | 'no-webhook'; message: string }
  | {
      status: 'accepted';
      events: EventInput[];
      reply: WebhookReply | null;
      /** `ingested`: send `reply` only after the engine accepted `events`; see `answerWebhook`. */
      ack: WebhookAck;
      failureReply: WebhookReply | null;
    };

export interface WebhookOptions {
  tenant: string;
  clock?: PluginClock;
  /**
   * The runtime's directory: the Kith member with this address on this channel, if known (a
   * lookup in the store may be asynchronous). Without it, or when it answers null, the event is
   * about no member.
   */
  memberOf?: (address: string, channel: string) => string | null | Promise<string | null>;
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
  const events: EventInput[] = [];
  for (const e of parsed.events) {
    const member =
      e.member ??
      (e.address !== null && options.memberOf ? await options.memberOf(e.address, instance.id) : null);
    events.push({
      tenant: options.tenant,
      id: `${instance.id}:${e.id}`,
      type: e.type,
      member,
      at: e.at,
      data: { ...e.data, channel: instance.id, address: e.address, group: e.group, name: e.name ?? null },
    });
  }
  return {
    status: 'accepted',
    events,
    reply: parsed.reply ?? null,
    ack: parsed.ack ?? 'received',
    failureReply: parsed.failureReply ?? null,
  };
}

const OK: WebhookReply = { status: 200 };
const UNAVAILABLE: WebhookReply = { status: 503 };

/**
 * What a server answers the provider, after handing the events to the engine with `ingest`.
 * Rejected: 401. Accepted: `reply` (else 200) once `ingest` resolved. When `ingest` throws, an
 * `ingested` ack answers `failureReply` (else 503) so that the provider redelivers, and the
 * event ids make that redelivery a no-op for what was ingested; a `received` ack lets the error
 * propagate, as before (the server's own error handling answers).
 */
export async function answerWebhook(
  outcome: WebhookOutcome,
  ingest: (events: readonly EventInput[]) => Promise<void>,
): Promise<WebhookReply> {
  if (outcome.status === 'rejected') return { status: 401, body: outcome.reason };
  if (outcome.ack === 'received') {
    await ingest(outcome.events);
    return outcome.reply ?? OK;
  }
  try {
    await ingest(outcome.events);
  } catch {
    return outcome.failureReply ?? UNAVAILABLE;
  }
  return outcome.reply ?? OK;
}
