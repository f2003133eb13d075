import type { MiddlewareHandler } from 'hono';
import type { AppEnv, ServerDeps } from '../contract.js';
import type { TokenRecord } from '../control/types.js';
import { requestHeader } from '../http/headers.js';
import { ProblemError } from '../http/problem.js';

/** Longest token text looked up; anything longer is not one of ours. */
const MAX_TOKEN = 200;

/**
 * How long a verified token is trusted without asking the control store again. Every API call
 * would otherwise be a database round trip (on PGlite, most of a request's cost). A token revoked
 * on another process stops working within this time; on the revoking process, at once.
 */
export const TOKEN_CACHE_MS = 10_000;
const CACHE_LIMIT = 10_000;

const caches = new WeakMap<ServerDeps['control'], Map<string, { record: TokenRecord; until: number }>>();

function cacheOf(control: ServerDeps['control']): Map<string, { record: TokenRecord; until: number }> {
  let cache = caches.get(control);
  if (cache === undefined) {
    cache = new Map();
    caches.set(control, cache);
  }
  return cache;
}

/** Drops cached verifications of a token (by its id) after it is revoked. */
export function forgetToken(control: ServerDeps['control'], tokenId: string): void {
  const cache = caches.get(control);
  if (cache === undefined) return;
  for (const [secret, entry] of cache) if (entry.record.id === tokenId) cache.delete(secret);
}

async function verify(deps: ServerDeps, secret: string): Promise<TokenRecord | undefined> {
  const cache = cacheOf(deps.control);
  const now = deps.now();
  const hit = cache.get(secret);
  if (hit !== undefined && hit.until > now) return hit.record;
  const record = await deps.control.findToken(secret);
  if (record === undefined) {
    cache.delete(secret);
    return undefined;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(secret, { record, until: now + TOKEN_CACHE_MS });
  return record;
}

/**
 * Reads `Authorization: Bearer <token>` (or, on GET only, `?access_token=`: browsers'
 * EventSource cannot set headers) and puts the principal in the context; otherwise 401.
 */
export function authenticate(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  return async function authenticateRequest(c, next) {
    const secret = tokenOf(
      requestHeader(c, 'authorization'),
      c.req.method === 'GET' ? c.req.query('access_token') : undefined,
    );
    if (secret === undefined) {
      throw new ProblemError(
        401,
        'unauthenticated',
        'Send a token: `Authorization: Bearer <token>`.',
        undefined,
        {
          headers: { 'www-authenticate': 'Bearer realm="kith"' },
        },
      );
    }
    const record = secret.length <= MAX_TOKEN ? await verify(deps, secret) : undefined;
    if (!record) {
      throw new ProblemError(401, 'unauthenticated', 'This token is unknown or was revoked.', undefined, {
        headers: { 'www-authenticate': 'Bearer realm="kith", error="invalid_token"' },
      });
    }
    c.set('principal', {
      tokenId: record.id,
      name: record.name,
      role: record.role,
      agency: record.agency,
      tenant: record.tenant,
    });
    await next();
  };
}

function tokenOf(header: string | undefined, query: string | undefined): string | undefined {
  if (header !== undefined) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    return m?.[1];
  }
  return query === undefined || query === '' ? undefined : query;
}
