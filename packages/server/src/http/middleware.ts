import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import type { AppContext, AppEnv, Logger } from '../contract.js';
import type { ServerMetrics } from '../obs/metrics.js';
import { presetResponseHeader, requestHeader } from './headers.js';
import { ProblemError } from './problem.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** A request id for every request: the caller's `X-Request-Id` when it is sane, else a new one; echoed back. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function assignRequestId(c, next) {
    const given = requestHeader(c, 'x-request-id');
    const id = given !== undefined && INCOMING_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    presetResponseHeader(c, 'x-request-id', id);
    await next();
  };
}

/**
 * The route pattern that answered (`/api/v1/tenants/:tenant`), so metrics have bounded labels.
 * Read after the chain ran: hono leaves `routeIndex` on the handler that responded. When a
 * middleware answered (401, 429), the label is the route the request was for: the first route
 * (not middleware) it matched — the editor's catch-all `GET /*` comes last and only counts when
 * nothing else matched.
 */
export function routeOf(c: AppContext): string {
  const routes = matchedRoutes(c);
  const responding = routes[c.req.routeIndex];
  if (responding !== undefined && responding.method !== 'ALL') return responding.path;
  for (const r of routes) if (r.method !== 'ALL') return r.path;
  return 'unmatched';
}

/** Logs one line per request and records its count and latency. Query strings are not logged. */
export function observe(log: Logger, metrics: ServerMetrics): MiddlewareHandler<AppEnv> {
  return async function observeRequest(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = routeOf(c);
    const status = String(c.res.status);
    metrics.requests.inc({ method: c.req.method, route, status });
    metrics.latency.observe({ method: c.req.method, route }, seconds);
    const principal = c.get('principal');
    log.log(c.res.status >= 500 ? 'error' : 'info', 'request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      route,
      status: c.res.status,
      ms: Math.round(seconds * 1e4) / 10,
      tokenId: principal?.tokenId,
    });
  };
}

export interface RateLimitOptions {
  /** Requests per minute a token may make on average. */
  perMinute: number;
  /** How many it may make at once after being idle (defaults to perMinute / 6, at least 10). */
  burst?: number;
}

/**
 * A token bucket per token (by token id; runs after authentication). Out of tokens → 429 with
 * `Retry-After` in whole seconds.
 */
export function rateLimit(options: RateLimitOptions, now: () => number): MiddlewareHandler<AppEnv> {
  if (!(options.perMinute > 0)) throw new Error('rateLimit: perMinute must be greater than 0');
  const burst = options.burst ?? Math.max(10, Math.ceil(options.perMinute / 6));
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return async function limitRate(c, next) {
    const principal = c.get('principal');
    if (!principal) return next();
    const t = now();
    const b = buckets.get(principal.tokenId) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
    buckets.set(principal.tokenId, b);
    if (b.tokens < 1) {
      const wait = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      throw new ProblemError(
        429,
        'rate-limited',
        `Too many requests for this token; retry in ${wait} s.`,
        undefined,
        {
          headers: { 'retry-after': String(wait) },
        },
      );
    }
    b.tokens -= 1;
    if (buckets.size > 10_000) prune(buckets, t, burst / perMs);
    await next();
  };
}

/** Forgets buckets that have been full long enough that a fresh one is the same. */
function prune(buckets: Map<string, { tokens: number; at: number }>, now: number, refillMs: number): void {
  for (const [k, b] of buckets) if (now - b.at > refillMs) buckets.delete(k);
}

/**
 * 413 for bodies over `limit` bytes. A declared `Content-Length` is checked from the header alone
 * (Node's parser never reads past it), so ordinary requests are not wrapped in a counting stream —
 * that wrapping made every POST build a full web Request and cost about half the ingest rate.
 * Only bodies without a length (chunked) go through hono's streaming limit.
 */
export function limitBody(limit: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (): never => {
    throw new ProblemError(413, 'body-too-large', `The request body is larger than ${limit} bytes.`);
  };
  const streaming = bodyLimit({ maxSize: limit, onError: tooLarge });
  return async function limitRequestBody(c, next) {
    const declared = requestHeader(c, 'content-length');
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) {
        throw new ProblemError(
          400,
          'bad-content-length',
          'The Content-Length header is not a number of bytes.',
        );
      }
      if (Number(declared) > limit) tooLarge();
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streaming(c, next);
  };
}
