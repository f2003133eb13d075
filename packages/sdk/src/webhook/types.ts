import type { PluginContext } from '../context/types.js';

/**
 * An inbound HTTP request, framework-free: the server (Hono) adapts its request to this, tests
 * build one with `webhookRequest()`. The body is the raw bytes, because signatures are computed
 * over exactly what was sent; parse JSON only after verifying.
 */
export interface WebhookRequest {
  method: string;
  /** The path after the plugin instance's webhook prefix, e.g. `/` or `/events`. */
  path: string;
  /** Header names lower-cased; repeated headers joined with `, ` as fetch does. */
  headers: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  body: Uint8Array;
}

export type VerifyFailureReason = 'missing-signature' | 'bad-signature' | 'stale' | 'replayed' | 'malformed';

/** Verification is data, not an exception: the server answers 401 with the reason logged. */
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailureReason; message: string };

/**
 * An event normalised from a provider's webhook, before the runtime maps the member's address to a
 * Kith member and stamps the tenant. The runtime prefixes `id` with the plugin instance id, so
 * ids need only be unique per provider connection.
 */
export interface InboundEvent {
  /**
   * Stable for the same provider event: built from the provider's own ids (update id, message id,
   * event id), never from the clock or randomness, so a redelivered webhook dedupes in the engine.
   */
  id: string;
  /** `member.joined`, `member.left`, `message.received`, `button.clicked`, `payment.succeeded`, … */
  type: string;
  /** When it happened at the provider, epoch ms. */
  at: number;
  /** The member's address on this channel (chat id, email address), when the event is about one. */
  address: string | null;
  /** The Kith member id, when the provider carries it back (checkout metadata, invite payload). */
  member?: string | null;
  /** The member's display name at the provider, if given. */
  name?: string | null;
  /** The provider's group id, for group events. */
  group: string | null;
  /** Type-specific fields: `text`, `value`, `invite`, `order`, `amount`, … */
  data: Readonly<Record<string, unknown>>;
}

/** An answer the provider expects besides 200 (Feishu's url_verification challenge, an echo). */
export interface WebhookReply {
  status: number;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

/**
 * When the provider may be told "received": `received` (the default) answers as soon as the
 * request is verified and parsed; `ingested` answers only after the engine has accepted every
 * event, and otherwise sends `failureReply` so that the provider delivers again. Payment providers
 * stop redelivering on their success reply (Alipay's `success`, WeChat Pay's 200/204), so a reply
 * sent before the payment is recorded would lose it if the engine then failed.
 */
export type WebhookAck = 'received' | 'ingested';

export interface ParsedWebhook {
  events: InboundEvent[];
  reply?: WebhookReply;
  ack?: WebhookAck;
  /** With `ack: 'ingested'`: what to answer when ingesting failed (default: 503, empty body). */
  failureReply?: WebhookReply;
}

/** Inbound half of a channel or payment plugin. `parse` is only called after `verify` said ok. */
export interface WebhookHandler<C> {
  verify(ctx: PluginContext<C>, request: WebhookRequest): Promise<VerifyResult>;
  parse(ctx: PluginContext<C>, request: WebhookRequest): Promise<ParsedWebhook>;
}
