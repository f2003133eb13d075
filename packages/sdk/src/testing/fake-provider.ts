import type { Fetch } from '../context/types.js';
import type { WebhookRequest } from '../webhook/types.js';

/** A failure the fake answers the plugin's next API call with, in the provider's own terms. */
export type FakeFailure =
  /** The provider's 429 (or its equivalent error code) asking to wait this long. */
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** A 5xx. */
  | { kind: 'server-error' }
  /** The provider rejecting the credentials (401/403 or its equivalent). */
  | { kind: 'auth' };

/** Something a member does at the provider, which the provider reports by webhook. */
export type FakeHappening =
  | { type: 'message.received'; address: string; text: string; group?: string | null }
  | { type: 'button.clicked'; address: string; value: string; group?: string | null }
  | { type: 'member.joined'; address: string; group?: string | null; invite?: string | null }
  | { type: 'member.left'; address: string; group?: string | null };

/** A message as it arrived at the provider, normalised for assertions. */
export interface FakeReceived {
  to: { kind: 'member'; address: string } | { kind: 'group'; group: string };
  text: string;
  buttons: readonly { text: string; value: string | null; url: string | null }[];
}

/**
 * A local stand-in for a provider that follows its published contract (paths, headers,
 * signatures, error codes). The contract suite drives a plugin against it. Either in-process
 * (give `fetch`) or a real server on 127.0.0.1 (omit `fetch`; point `config`'s base URL at it).
 */
export interface FakeProvider {
  /** The `with:` values (secrets resolved) that point the plugin at this fake. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The fetch the plugin must use; omit when the fake is a real local HTTP server. */
  readonly fetch?: Fetch;
  /** A member the provider knows: Kith id and address on the channel. */
  readonly member: { id: string; address: string };
  /** A group the provider knows, or null when the channel has no groups. */
  readonly group: string | null;
  /** Messages the provider received, oldest first. */
  received(): readonly FakeReceived[] | Promise<readonly FakeReceived[]>;
  /** Makes the provider answer the plugin's next API call with this failure. */
  failNext(failure: FakeFailure): void;
  /**
   * The webhook request the provider sends when this happens, signed as the provider signs it;
   * null when the provider never reports this kind of happening (the suite skips that case).
   */
  inbound(happening: FakeHappening): WebhookRequest | null | Promise<WebhookRequest | null>;
  /** The same request as an attacker without the secret would send it (a bad signature or token). */
  forge(request: WebhookRequest): WebhookRequest;
  close?(): void | Promise<void>;
}
