import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '@kith/sdk';
import {
  generateWebhookSecret,
  standardWebhookHeaders,
  verifyStandardWebhook,
  webhookRequest,
} from '@kith/sdk/webhook';
import type { Envelope } from './envelope.js';

/** A delivery the receiver accepted: the verified headers and the parsed envelope. */
export interface ReceivedDelivery {
  id: string;
  envelope: Envelope;
}

export type ReceiverFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'server-error' }
  | { kind: 'auth' };

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks/kith` */
  readonly url: string;
  readonly secret: string;
  /** Deliveries that verified, oldest first. */
  readonly deliveries: ReceivedDelivery[];
  /** Requests refused because their signature did not verify. */
  readonly refused: number;
  failNext(failure: ReceiverFailure): void;
  /** A signed inbound request, as this system would POST it to Kith. */
  sign(
    type: string,
    data: Record<string, unknown>,
    options?: { id?: string; now?: number; secret?: string },
  ): WebhookRequest;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A real HTTP receiver on 127.0.0.1 (a random port) that verifies Standard Webhooks the way a
 * customer's endpoint would: the test double for the webhook channel, and a reference for
 * people writing their endpoint.
 */
export async function startWebhookReceiver(options: { secret?: string } = {}): Promise<WebhookReceiver> {
  const secret = options.secret ?? generateWebhookSecret();
  const deliveries: ReceivedDelivery[] = [];
  const failures: ReceiverFailure[] = [];
  let refused = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const verified = await verifyStandardWebhook({ headers, body }, { secret, now: Date.now() });
    if (!verified.ok) {
      refused += 1;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: verified.message }));
      return;
    }
    const failure = failures.shift();
    if (failure?.kind === 'rate-limited') {
      res.writeHead(429, { 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) }).end();
      return;
    }
    if (failure?.kind === 'server-error') return void res.writeHead(503).end();
    if (failure?.kind === 'auth') return void res.writeHead(401).end();
    const id = headers['webhook-id']!;
    deliveries.push({ id, envelope: JSON.parse(body.toString('utf8')) as Envelope });
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: `rcv_${deliveries.length}` }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/kith`,
    secret,
    deliveries,
    get refused() {
      return refused;
    },
    failNext: (f) => void failures.push(f),
    sign(type, data, o = {}) {
      const now = o.now ?? Date.now();
      const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
      const id = o.id ?? `msg_${Math.random().toString(36).slice(2)}`;
      const headers = standardWebhookHeaders(o.secret ?? secret, {
        id,
        timestamp: Math.floor(now / 1000),
        body,
      });
      return webhookRequest({
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
