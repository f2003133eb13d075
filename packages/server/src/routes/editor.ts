import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../contract.js';
import { ProblemError } from '../http/problem.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Paths that belong to the API: an unknown one there is a 404 problem, never the editor page. */
const API = /^\/(api|hooks|admin)(\/|$)|^\/(healthz|readyz|metrics|openapi\.json|docs)$/;

/**
 * The built editor (a Vite SPA) from `dir`: files as they are (hashed assets cached for a year),
 * any other GET path answered with `index.html` so client-side routes survive a reload.
 */
export function editorRoutes(dir: string): Hono<AppEnv> {
  const root = resolve(dir);
  const app = new Hono<AppEnv>();
  app.get('*', async (c) => {
    const path = c.req.path;
    if (API.test(path)) throw new ProblemError(404, 'not-found', `No route GET ${path}.`);
    let rel: string;
    try {
      rel = decodeURIComponent(path);
    } catch {
      rel = '/';
    }
    const file = resolve(join(root, rel));
    const inside = file === root || file.startsWith(root + sep);
    const target = inside && (await isFile(file)) ? file : join(root, 'index.html');
    const body = await readFile(target).catch(() => undefined);
    if (body === undefined)
      throw new ProblemError(
        404,
        'not-found',
        'The editor is not built; run `pnpm --filter @kith/editor build`.',
      );
    const immutable = target.includes(`${sep}assets${sep}`);
    return c.body(new Uint8Array(body), 200, {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
  return app;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
