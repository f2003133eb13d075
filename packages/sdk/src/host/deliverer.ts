import { createPluginContext } from '../context/create-context.js';
import type { PluginClock } from '../context/types.js';
import type { DeliveryResult, Effect, Effects } from '../engine.js';
import { type PluginErrorData, toPluginError } from '../errors/plugin-error.js';
import { createRateLimiter, type RateLimiter } from '../rate-limit/limiter.js';
import { memoryRateLimiterStore, type RateLimiterStore } from '../rate-limit/store.js';
import { type AddressLookup, dispatchEffect, limitScope } from './dispatch.js';
import type { PluginInstance } from './instance.js';

/** What became of one delivery attempt. */
export type DeliveryOutcome =
  /** The plugin did it; `result` is what it returned (`{ providerMessageId }`, a checkout, an action's output). */
  | { status: 'delivered'; result: unknown }
  /** The rate limiter reserved a slot `waitMs` from now: deliver again then (not a failure). */
  | { status: 'deferred'; waitMs: number }
  | { status: 'failed'; error: PluginErrorData };

/**
 * An outcome in the engine's terms: a rate-limit wait is retryable after exactly that long;
 * `transient` retries with the engine's backoff; `permanent` and `auth` dead-letter at once.
 */
export function toDeliveryResult(outcome: DeliveryOutcome): DeliveryResult {
  if (outcome.status === 'delivered') return { ok: true };
  if (outcome.status === 'deferred') {
    return {
      ok: false,
      error: 'rate limit: waiting for a send slot',
      retryable: true,
      retryAfterMs: outcome.waitMs,
    };
  }
  const e = outcome.error;
  const error = `${e.kind}: ${e.message}`;
  if (e.kind === 'rate-limited')
    return { ok: false, error, retryable: true, retryAfterMs: e.retryAfterMs ?? 1000 };
  if (e.kind === 'transient') return { ok: false, error, retryable: true };
  return { ok: false, error, retryable: false };
}

export interface DelivererOptions {
  instances: Iterable<PluginInstance>;
  clock?: PluginClock;
  /** Where rate-limit buckets live; one store for every instance, keyed by connection. */
  limiterStore?: RateLimiterStore;
  addressOf?: AddressLookup;
  /**
   * Each limit's window is booked this much longer, as a share of it (default 0.1: 30 sends per
   * 1.1 s for a 30/s limit; 0 books the provider's exact windows). Sends leave a busy process a
   * little late, and unevenly: a window's last sends then arrive beside the next window's first,
   * and a provider counting arrivals saw up to twice the limit in one second (57 at a 30/s
   * endpoint in the chaos test, every booking within the limit). A tenth of the window absorbs
   * that: 30.
   */
  rateLimitMargin?: number;
}

/** Default of `DelivererOptions.rateLimitMargin`. */
export const DEFAULT_RATE_LIMIT_MARGIN = 0.1;

/** The engine's `Effects` port, plus `attempt` for callers that want the plugin's result. */
export interface EffectDeliverer extends Effects {
  /** The same with the plugin's result and the error kind kept. */
  attempt(effect: Effect, attempt: number): Promise<DeliveryOutcome>;
}

/**
 * Delivers outbox effects through plugins: finds the instance named by `effect.target`, takes a
 * rate-limit slot for its connection (and group / recipient), builds the context with the effect's
 * idempotency key, calls the capability, and turns whatever was thrown into a PluginError kind.
 *
 * A slot reserved for a later instant is held for that effect: when the engine comes back with it
 * at that time, it is sent without reserving again. Held slots live in this process; an effect
 * picked up by another worker reserves anew, which wastes a slot but never exceeds a limit. So
 * does an effect that comes back long after its slot (a worker that died, a queue that lagged):
 * sent then, it would land in a window whose slots were booked by others — beyond a tenth of the
 * instance's shortest window (50 ms at least) the held slot is given up. The same tolerance applies
 * to a booking whose answer arrives late: it is made again for the moment the answer came.
 */
/** Bookings answered late in a row before the send is put off (the process is too busy to keep time). */
const MAX_LATE_BOOKINGS = 3;

export function createEffectDeliverer(options: DelivererOptions): EffectDeliverer {
  const clock = options.clock ?? { now: () => Date.now() };
  const store = options.limiterStore ?? memoryRateLimiterStore();
  const margin = options.rateLimitMargin ?? DEFAULT_RATE_LIMIT_MARGIN;
  if (!Number.isFinite(margin) || margin < 0 || margin > 1)
    throw new RangeError(`rateLimitMargin must be a share of the window from 0 to 1, got ${margin}`);
  const instances = new Map<string, { instance: PluginInstance; limiter: RateLimiter; lateMs: number }>();
  for (const instance of options.instances) {
    const shortest = Math.min(...instance.limits.map((l) => l.perMs));
    const booked = instance.limits.map((l) => ({ ...l, perMs: l.perMs + Math.round(l.perMs * margin) }));
    instances.set(instance.id, {
      instance,
      limiter: createRateLimiter(booked, store),
      lateMs: Math.max(50, shortest / 10),
    });
  }
  const held = new Map<string, number>();

  async function attempt(effect: Effect, attemptNo: number): Promise<DeliveryOutcome> {
    const entry = instances.get(effect.target);
    if (entry === undefined) {
      return {
        status: 'failed',
        error: {
          kind: 'permanent',
          message: `no plugin instance '${effect.target}'`,
          retryAfterMs: null,
          status: null,
          code: null,
        },
      };
    }
    const { instance, limiter, lateMs } = entry;
    const now = clock.now();
    let slot = held.get(effect.key);
    if (slot !== undefined && now - slot > lateMs) {
      held.delete(effect.key);
      slot = undefined;
    }
    if (slot === undefined) {
      const scope = { connection: instance.connection, ...limitScope(effect) };
      for (let asked = now, tries = 1; ; tries++) {
        const wait = await limiter.reserve(scope, asked);
        if (wait > 0) {
          held.set(effect.key, asked + wait);
          return { status: 'deferred', waitMs: wait };
        }
        // The slot is booked at `asked`. An answer that comes back late (a busy event loop, a slow
        // Redis) would send in a later window, beside slots others booked there: the chaos test saw
        // 41 POSTs in one second at a 30/s endpoint. Book again for now; a late slot is wasted,
        // never exceeded.
        const answered = clock.now();
        if (answered - asked <= lateMs) break;
        if (tries >= MAX_LATE_BOOKINGS) return { status: 'deferred', waitMs: lateMs };
        asked = answered;
      }
    } else if (slot > now) {
      return { status: 'deferred', waitMs: slot - now };
    }
    held.delete(effect.key);
    const ctx = createPluginContext({
      plugin: instance.plugin.name,
      instance: instance.id,
      config: instance.config,
      secrets: instance.secrets,
      fetch: instance.fetch,
      clock,
      kv: instance.kv,
      logSink: instance.logSink,
      idempotencyKey: effect.key,
      attempt: attemptNo,
    });
    try {
      return { status: 'delivered', result: await dispatchEffect(instance, effect, ctx, options.addressOf) };
    } catch (e) {
      return { status: 'failed', error: toPluginError(e).toJSON() };
    }
  }

  return {
    attempt,
    deliver: async (effect, attemptNo) => toDeliveryResult(await attempt(effect, attemptNo)),
  };
}
