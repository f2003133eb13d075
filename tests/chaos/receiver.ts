import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver saw it. */
export interface Post {
  tenant: string;
  key: string;
  member: string | null;
  at: number;
}

/**
 * The fake channel: the sandbox chat provider's `POST <base>/messages` on 127.0.0.1 (each tenant
 * its own base, `/t/<tenant>`), honouring `idempotency-key` the way Stripe-like APIs do: the first
 * POST with a key is a message, a repeat is answered the same way and counted, not delivered again.
 */
export interface Receiver {
  url: string;
  posts: Post[];
  /** First delivery of each key: key → post. */
  messages: Map<string, Post>;
  /** POSTs that repeated a key already delivered (a sender died between sending and recording). */
  repeats: number;
  /** POSTs answered 503 on purpose. */
  refused: number;
  close(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      s += c;
    });
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

/** `failEvery`: every n-th POST is answered 503 (a provider hiccup), for the outbox to retry. */
export async function startReceiver(options: { failEvery?: number } = {}): Promise<Receiver> {
  const posts: Post[] = [];
  const messages = new Map<string, Post>();
  const r = { repeats: 0, requests: 0, refused: 0 };
  const server = createServer((req, res) => {
    body(req)
      .then((text) => {
        r.requests++;
        if (options.failEvery !== undefined && r.requests % options.failEvery === 0) {
          r.refused++;
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"try again"}');
          return;
        }
        const tenant = /^\/t\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
        const key = String(req.headers['idempotency-key'] ?? '');
        const message = JSON.parse(text) as { to?: { address?: string } };
        const post = { tenant, key, member: message.to?.address ?? null, at: Date.now() };
        posts.push(post);
        if (messages.has(key)) r.repeats++;
        else messages.set(key, post);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: key }));
      })
      .catch(() => res.writeHead(400).end());
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    messages,
    get repeats() {
      return r.repeats;
    },
    get refused() {
      return r.refused;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** The most POSTs a tenant's endpoint saw in any window of `ms` (sliding). */
export function busiestWindow(
  posts: readonly Post[],
  ms: number,
): { tenant: string; count: number; from: number } {
  const byTenant = new Map<string, number[]>();
  for (const p of posts) {
    const times = byTenant.get(p.tenant);
    if (times === undefined) byTenant.set(p.tenant, [p.at]);
    else times.push(p.at);
  }
  let best = { tenant: '', count: 0, from: 0 };
  for (const [tenant, times] of byTenant) {
    times.sort((a, b) => a - b);
    let i = 0;
    for (let j = 0; j < times.length; j++) {
      while (times[j]! - times[i]! >= ms) i++;
      if (j - i + 1 > best.count) best = { tenant, count: j - i + 1, from: times[i]! };
    }
  }
  return best;
}
