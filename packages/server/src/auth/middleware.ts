import type { MiddlewareHandler } from 'hono';
import type { AppEnv, ServerDeps } from '../contract.js';
import { ProblemError } from '../http/problem.js';

/** Longest token text looked up; anything longer is not one of ours. */
const MAX_TOKEN = 200;

/**
 * Reads `Authorization: Bearer <token>` (or, on GET only, `?access_token=`: browsers'
 * EventSource cannot set headers) and puts the principal in the context; otherwise 401.
 */
export function authenticate(deps: ServerDeps): MiddlewareHandler<AppEnv> {
  return async function authenticateRequest(c, next) {
    const secret = tokenOf(
      c.req.header('authorization'),
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
    const record = secret.length <= MAX_TOKEN ? await deps.control.findToken(secret) : undefined;
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
