import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeBotApi, type Params } from './bot-api.js';
import { BotApiError } from './bot-api-error.js';

export interface Clock {
  now(): number;
}

/** A failure the fake answers the next API call with, in Telegram's own shape. */
export type TelegramFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'server-error' }
  | { kind: 'auth' }
  /** What a proxy in front of the Bot API answers when it is down: HTML, not JSON. */
  | { kind: 'bad-gateway' };

export interface RecordedCall {
  method: string;
  params: Params;
  status: number;
  at: number;
}

export interface FakeTelegramServerOptions {
  token?: string;
  /** Time as the fake sees it: give the harness's virtual clock to judge windows in virtual time. */
  clock?: Clock;
}

export interface FakeTelegramServer {
  /** The apiRoot: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly token: string;
  readonly api: FakeBotApi;
  /** Every request, answered or refused, oldest first. */
  readonly calls: RecordedCall[];
  failNext(failure: TelegramFailure): void;
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

/** Parameters the four documented ways: query string, JSON, urlencoded (multipart is not used here). */
function paramsOf(url: URL, type: string | undefined, body: Buffer): Params {
  const params: Params = Object.fromEntries(url.searchParams);
  if (body.length === 0) return params;
  if (type?.startsWith('application/json'))
    Object.assign(params, JSON.parse(body.toString('utf8')) as Params);
  else if (type?.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
      params[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    }
  }
  return params;
}

function failureAnswer(f: TelegramFailure): { status: number; body: string; type: string } {
  if (f.kind === 'bad-gateway')
    return {
      status: 502,
      type: 'text/html',
      body: '<html><head><title>502 Bad Gateway</title></head></html>',
    };
  const error =
    f.kind === 'rate-limited'
      ? BotApiError.tooManyRequests(Math.ceil(f.retryAfterMs / 1000))
      : f.kind === 'auth'
        ? new BotApiError(401, 'Unauthorized')
        : new BotApiError(500, 'Internal Server Error');
  return { status: error.code, type: 'application/json', body: JSON.stringify(error.body()) };
}

/**
 * A local Telegram Bot API server on 127.0.0.1 (random port): `POST /bot<token>/<method>`,
 * answers `{ ok: true, result }` or Telegram's error shape with the same HTTP status, 401 for
 * another token, 404 for an unknown method, and 429 with `parameters.retry_after` when flood
 * control trips or a test injects it. Point the plugin's baseUrl (grammY's apiRoot) at `url`.
 */
export async function startFakeTelegram(
  options: FakeTelegramServerOptions = {},
): Promise<FakeTelegramServer> {
  const token = options.token ?? '7000001:AAFakeTokenForKithTests_0123456789';
  const clock = options.clock ?? { now: () => Date.now() };
  const api = new FakeBotApi();
  const calls: RecordedCall[] = [];
  const failures: TelegramFailure[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    let params: Params = {};
    const reply = (status: number, payload: string, type = 'application/json') => {
      calls.push({ method: match?.[2] ?? url.pathname, params, status, at: clock.now() });
      res.writeHead(status, { 'content-type': type }).end(payload);
    };
    if (match === null) return reply(404, JSON.stringify(new BotApiError(404, 'Not Found').body()));
    if (match[1] !== token) return reply(401, JSON.stringify(new BotApiError(401, 'Unauthorized').body()));
    try {
      params = paramsOf(url, req.headers['content-type'], body);
    } catch {
      return reply(400, JSON.stringify(BotApiError.badRequest("can't parse JSON object").body()));
    }
    const failure = failures.shift();
    if (failure !== undefined) {
      const f = failureAnswer(failure);
      return reply(f.status, f.body, f.type);
    }
    try {
      const result = api.call(match[2]!, params, clock.now());
      reply(200, JSON.stringify({ ok: true, result }));
    } catch (e) {
      if (!(e instanceof BotApiError)) throw e;
      reply(e.code, JSON.stringify(e.body()));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    api,
    calls,
    failNext: (f) => void failures.push(f),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
