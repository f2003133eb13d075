import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, ServerDeps } from '../contract.js';
import { ProblemError } from '../http/problem.js';

export const QUEUES_PATH = '/admin/queues';
const COOKIE = 'kith_admin';

/**
 * bull-board for the distributed mode's queues, for agency-admin tokens only. A browser opens
 * `/admin/queues?access_token=<token>` once: the token goes into an HttpOnly cookie scoped to this
 * path, and the URL is cleaned by a redirect. API clients may send a bearer header instead.
 */
export function queueBoard(deps: ServerDeps, queues: readonly Queue[]): Hono<AppEnv> {
  const adapter = new HonoAdapter(serveStatic);
  adapter.setBasePath(QUEUES_PATH);
  // @bull-board/hono pins an older @bull-board/api than ours: same shapes, separate declarations
  type BoardAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter as unknown as BoardAdapter,
  });
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    const fromQuery = c.req.method === 'GET' ? c.req.query('access_token') : undefined;
    const header = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const secret = header ?? fromQuery ?? getCookie(c, COOKIE);
    const record =
      secret !== undefined && secret.length <= 200 ? await deps.control.findToken(secret) : undefined;
    if (!record)
      throw new ProblemError(
        401,
        'unauthenticated',
        `Open ${QUEUES_PATH}?access_token=<agency-admin token> once, or send a bearer token.`,
      );
    if (record.role !== 'agency-admin')
      throw new ProblemError(403, 'forbidden', 'The queue board is for agency-admin tokens.');
    if (fromQuery !== undefined && header === undefined) {
      setCookie(c, COOKIE, fromQuery, {
        path: QUEUES_PATH,
        httpOnly: true,
        sameSite: 'Strict',
        secure: new URL(c.req.url).protocol === 'https:',
      });
      return c.redirect(c.req.path, 303);
    }
    await next();
  });
  app.route('/', adapter.registerPlugin() as unknown as Hono<AppEnv>);
  return app;
}
