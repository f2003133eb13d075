import { type PluginContext, PluginError } from '@kith/sdk';
import Stripe from 'stripe';
import type { StripeConfig } from './config.js';

/**
 * A Stripe client on the context's `fetch` and the configured base URL (the fake in tests).
 * Network retries are off: the runtime retries effects with the same idempotency key, and a
 * second retry loop inside would multiply the wait.
 */
export function stripeClient(ctx: PluginContext<StripeConfig>): Stripe {
  const url = new URL(ctx.config.baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(ctx.config.apiKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    httpClient: Stripe.createFetchHttpClient(ctx.fetch as typeof fetch),
    maxNetworkRetries: 0,
    telemetry: false,
  });
}

/** Stripe's errors as PluginError kinds (https://docs.stripe.com/error-handling). */
export function stripeError(e: unknown, what: string): PluginError {
  if (!(e instanceof Stripe.errors.StripeError)) return PluginError.transient(`${what}: ${String(e)}`);
  const status = e.statusCode ?? null;
  const detail = { status, code: e.code ?? e.type };
  const message = `${what}: ${e.message}`;
  if (e instanceof Stripe.errors.StripeRateLimitError || status === 429) {
    const retryAfter = Number(e.headers?.['retry-after']);
    return PluginError.rateLimited(message, Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000, detail);
  }
  if (
    e instanceof Stripe.errors.StripeAuthenticationError ||
    e instanceof Stripe.errors.StripePermissionError
  )
    return PluginError.auth(message, detail);
  if (e instanceof Stripe.errors.StripeConnectionError || status === null || status >= 500)
    return PluginError.transient(message, detail);
  // 409 is Stripe's "another request with this key is in flight": the retry will see its result
  if (status === 409 && !(e instanceof Stripe.errors.StripeIdempotencyError))
    return PluginError.transient(message, detail);
  return PluginError.permanent(message, detail);
}

/** Runs one Stripe call, turning its errors into PluginErrors. */
export async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw stripeError(e, what);
  }
}

/** The id of an expandable field: Stripe returns either the id or the expanded object. */
export function idOf(v: string | { id: string } | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : v.id;
}
