/**
 * An effect is work for a plugin: send a message, create a checkout, open a group. Effects leave
 * the engine only through the outbox, each with an idempotency key derived from
 * (tenant, instance, step, slot) so that a retried delivery is recognisable as the same one.
 */
export interface Effect {
  /** Idempotency key; stable across delivery attempts. */
  key: string;
  tenant: string;
  member: string | null;
  instance: string | null;
  step: string | null;
  /** `message.send`, `payment.checkout`, `group.open`, `group.add`, `plugin.call`, or a mechanic's. */
  type: string;
  /** The plugin instance that carries it out (channel, payment or plugin id). */
  target: string;
  data: Readonly<Record<string, unknown>>;
  /** Not to be delivered before this instant (quiet hours, frequency caps). */
  notBefore: number;
}

export type OutboxStatus = 'pending' | 'delivered' | 'skipped' | 'dead';

export interface OutboxEntry {
  effect: Effect;
  status: OutboxStatus;
  /** Delivery attempts made so far. */
  attempts: number;
  /** Next attempt not before this instant. */
  availableAt: number;
  lastError: string | null;
  settledAt: number | null;
}

/** Who a message goes to. */
export type Recipient =
  | { kind: 'member'; member: string; address: string | null }
  | { kind: 'group'; member: string; pool: string | null; group: string | null }
  | { kind: 'referrer'; member: string; referrer: string | null };

export interface MessageButton {
  text: string;
  value: string | null;
  url: string | null;
}

/** `data` of a `message.send` effect. */
export interface MessageData {
  to: Recipient;
  text: string;
  subject: string | null;
  html: string | null;
  image: string | null;
  buttons: MessageButton[];
  critical: boolean;
}

/** `data` of a `payment.checkout` effect. */
export interface CheckoutData {
  orderId: string;
  offer: string;
  amount: number;
  currency: string;
  url: string;
  member: string;
  /** What the payer sees at the provider: the offer's rendered name, or its id. */
  description: string;
  /**
   * `manual` (a pre-sale): authorise only; the engine asks for the capture (`payment.capture`) when
   * the campaign reaches its threshold, or for a void (`payment.void`) when it fails.
   */
  capture: 'automatic' | 'manual';
}

/** `data` of a `group.open` effect: the channel is asked to create a group with these members. */
export interface GroupOpenData {
  pool: string;
  group: string;
  name: string;
  members: string[];
}

/** `data` of a `group.add` effect. */
export interface GroupAddData {
  pool: string;
  group: string;
  member: string;
  address: string | null;
}

/** `data` of a `plugin.call` effect. */
export interface PluginCallData {
  action: string;
  input: Record<string, unknown>;
}

export const EFFECTS = {
  send: 'message.send',
  checkout: 'payment.checkout',
  groupOpen: 'group.open',
  groupAdd: 'group.add',
  call: 'plugin.call',
} as const;
