import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PluginClock } from '@kith/sdk';
import { bodyText, type WebhookRequest } from '@kith/sdk/webhook';
import { createSandboxProvider, type SandboxProvider } from './provider.js';

export interface SandboxServerOptions {
  secret: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where to POST events (the plugin instance's webhook URL); without it, take them with `provider.due()`. */
  webhookUrl?: string;
  /** How often due events are played out and delivered. */
  intervalMs?: number;
  /** The service's time (a simulation's virtual clock); the wall clock by default. */
  clock?: PluginClock;
}

export interface SandboxServer {
  url: string;
  provider: SandboxProvider;
  /** Delivers what is due now (the timer calls it; tests may too). Returns how many were accepted. */
  deliver(): Promise<number>;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const method = req.method ?? 'GET';
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * The sandbox service over HTTP: its API and pay page, and a timer that plays out due outcomes
 * and POSTs their events to `webhookUrl`. An event the receiver did not accept (non-2xx, no
 * answer) is delivered again on the next tick, as a provider retries: the same webhook-id, so the
 * engine still takes it once.
 */
export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const host = options.host ?? '127.0.0.1';
  let url = '';
  // made once the port is bound, so that checkout URLs name it; nothing arrives before that
  let provider: SandboxProvider | null = null;
  const retry: WebhookRequest[] = [];
  const server = createServer((req, res) => {
    toRequest(req, url)
      .then((r) => (provider === null ? new Response('starting', { status: 503 }) : provider.fetch(r)))
      .then((response) => send(res, response))
      .catch((e: unknown) => {
        res.writeHead(500);
        res.end(String(e));
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const ready = createSandboxProvider({
    secret: options.secret,
    baseUrl: url,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  provider = ready;

  async function deliver(): Promise<number> {
    const target = options.webhookUrl;
    if (target === undefined) return 0;
    const batch = [...retry.splice(0), ...ready.due()];
    let accepted = 0;
    for (const w of batch) {
      try {
        const res = await fetch(target, { method: 'POST', headers: w.headers, body: bodyText(w) });
        if (res.ok) accepted += 1;
        else retry.push(w);
      } catch {
        retry.push(w);
      }
    }
    return accepted;
  }

  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deliver().finally(() => {
      running = false;
    });
  }, options.intervalMs ?? 1000);
  timer.unref();

  return {
    url,
    provider: ready,
    deliver,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
      }),
  };
}
