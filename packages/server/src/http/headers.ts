import type { Context } from 'hono';

/** What `@hono/node-server` passes as `c.env`: the Node request and response. */
export interface NodeBindings {
  incoming?: { headers?: Record<string, string | string[] | undefined> };
  outgoing?: { setHeader?: (name: string, value: string) => unknown; headersSent?: boolean };
}

/**
 * A request header by its lower-case name. On Node it is read from the parsed `IncomingMessage`:
 * `c.req.header()` makes node-server build a web `Headers` copy of every header of the request
 * first, a cost each API call would pay several times over for nothing. Elsewhere (`app.fetch`
 * in tests, other runtimes) it is hono's.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const headers = (c.env as NodeBindings | undefined)?.incoming?.headers;
  if (headers === undefined) return c.req.header(name);
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Sets a response header before the route answers. On Node it goes straight onto the
 * `ServerResponse` (merged by `writeHead` with the route's own headers): `c.header()` would build
 * a web `Headers` object and take the response off node-server's plain-object fast path.
 */
export function presetResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
  if (typeof outgoing?.setHeader === 'function' && outgoing.headersSent !== true)
    outgoing.setHeader(name, value);
  else c.header(name, value);
}
