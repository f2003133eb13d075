import type { Effect } from '../model/effect.js';

export type DeliveryResult =
  | { ok: true }
  /** `retryable: false` parks the effect in the dead-letter list at once (a permanent error). */
  | { ok: false; error: string; retryable?: boolean; retryAfterMs?: number };

/**
 * Where effects leave the engine: the plugin host. `effect.key` is the idempotency key — pass it
 * to providers that accept one; the outbox never delivers a key again once it succeeded.
 */
export interface Effects {
  deliver(effect: Effect, attempt: number): Promise<DeliveryResult>;
}
