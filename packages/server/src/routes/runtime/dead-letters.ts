import { Type } from '@sinclair/typebox';
import { Hono } from 'hono';
import { tenantAccess } from '../../auth/access.js';
import type { AppEnv, ServerDeps } from '../../contract.js';
import { ProblemError } from '../../http/problem.js';
import { describeRoute } from '../../openapi/registry.js';
import { BASE } from './common.js';

const Retried = Type.Object({ key: Type.String(), status: Type.Literal('pending') });

/** Effects that failed for good, and putting one back in line by hand. */
export function deadLetterRoutes(deps: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  describeRoute({
    method: 'GET',
    path: `${BASE}/dead-letters`,
    summary: 'Effects that failed every attempt (or failed for good), with their last error.',
    tags: ['dead-letters'],
    role: 'viewer',
  });
  app.get('/dead-letters', async (c) => {
    const tenant = await tenantAccess(c, deps, 'read');
    const items = await deps.engine.runtime.deadLetters(tenant.id);
    return c.json({ items });
  });

  describeRoute({
    method: 'POST',
    path: `${BASE}/dead-letters/:key/retry`,
    summary:
      'Puts a dead-lettered effect back in line (key URL-encoded): it is delivered once more under the same idempotency key.',
    tags: ['dead-letters'],
    role: 'editor',
    response: Retried,
    status: 202,
  });
  app.post('/dead-letters/:key/retry', async (c) => {
    const tenant = await tenantAccess(c, deps, 'write');
    const key = c.req.param('key');
    if (await deps.engine.runtime.retryDeadLetter(tenant.id, key)) {
      deps.log.log('info', 'dead letter retried', { tenant: tenant.id, key });
      return c.json({ key, status: 'pending' as const }, 202);
    }
    const entry = await deps.engine.store.getEffect(tenant.id, key);
    if (entry === undefined) {
      throw new ProblemError(
        404,
        'dead-letter-not-found',
        `No effect with key '${key.slice(0, 300)}'; list them with GET …/dead-letters and URL-encode the key.`,
      );
    }
    throw new ProblemError(
      409,
      'not-dead',
      `The effect is '${entry.status}', not in the dead-letter list; only dead letters can be retried.`,
    );
  });

  return app;
}
