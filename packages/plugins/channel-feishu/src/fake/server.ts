import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '@kith/sdk';
import type { FakeFailure } from '@kith/sdk/testing';
import { webhookRequest } from '@kith/sdk/webhook';

/**
 * A local Feishu for tests: the custom bot's webhook as Feishu documents it, on 127.0.0.1 with a
 * random port, and the app's event subscription callbacks (plain or encrypted, signed).
 *
 *   POST /open-apis/bot/v2/hook/<token>   {timestamp, sign, msg_type, content | card}
 *   → {"code":0,"msg":"success","data":{}} or: 19001 unknown hook token; 19021 sign mismatch or
 *     timestamp outside an hour; 19024 keyword missing; 9499 Bad Request (HTTP 400); 11232
 *     frequency limited past 5 requests a second or 100 a minute.
 *
 * Signatures and encryption are computed here from the documentation, independently of the plugin.
 */
export interface FakeFeishuOptions {
  hookToken?: string;
  /** The bot's signing secret; null for a bot secured otherwise. */
  secret?: string | null;
  verificationToken?: string;
  /** The app's Encrypt Key; null to push plain, unsigned callbacks. */
  encryptKey?: string | null;
  keywords?: readonly string[];
  perSecond?: number;
  perMinute?: number;
  now?: () => number;
}

export interface BotMessage {
  at: number;
  /** The message as posted, without `timestamp` and `sign`. */
  body: Record<string, unknown>;
}

export interface CallbackOptions {
  eventId?: string;
  /** Seconds; default now. */
  timestamp?: number;
  nonce?: string;
  /** Encrypt and sign with this key instead (a forger's guess). */
  encryptKey?: string;
  token?: string;
  /** For the URL check: send it without signature headers, as the console's check may. */
  unsigned?: boolean;
}

export interface FakeFeishu {
  readonly url: string;
  readonly hookToken: string;
  readonly secret: string | null;
  readonly verificationToken: string;
  readonly encryptKey: string | null;
  readonly messages: BotMessage[];
  readonly refusals: { code: number; msg: string; status: number }[];
  failNext(failure: FakeFailure): void;
  /** A v2 event callback as Feishu pushes it. */
  event(eventType: string, event: Record<string, unknown>, options?: CallbackOptions): WebhookRequest;
  /** The URL check Feishu sends when the request URL is saved. */
  urlVerification(challenge: string, options?: CallbackOptions): WebhookRequest;
  close(): Promise<void>;
}

const HOOK = '/open-apis/bot/v2/hook/';
const MSG_TYPES = new Set(['text', 'post', 'image', 'share_chat', 'interactive']);

/** Custom bot signature, per the documentation: HMAC-SHA256 keyed by `${ts}\n${secret}` over nothing. */
function documentedSign(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .update(Buffer.alloc(0))
    .digest('base64');
}

/** AES-256-CBC, key SHA-256(encryptKey), a random IV prepended, base64. */
function documentedEncrypt(encryptKey: string, plain: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

/** X-Lark-Signature: hex SHA-256 of timestamp + nonce + encryptKey + body. */
function documentedSignature(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + body)
    .digest('hex');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const now = options.now ?? Date.now;
  const hookToken = options.hookToken ?? randomBytes(16).toString('hex');
  const secret = options.secret === undefined ? randomBytes(16).toString('base64url') : options.secret;
  const verificationToken = options.verificationToken ?? randomBytes(16).toString('base64url');
  const encryptKey =
    options.encryptKey === undefined ? randomBytes(16).toString('base64url') : options.encryptKey;
  const perSecond = options.perSecond ?? 5;
  const perMinute = options.perMinute ?? 100;
  const messages: BotMessage[] = [];
  const refusals: { code: number; msg: string; status: number }[] = [];
  const failures: FakeFailure[] = [];
  const calls: number[] = [];
  let closing: Promise<void> | undefined;

  function answer(
    res: ServerResponse,
    code: number,
    msg: string,
    status = 200,
    headers: Record<string, string> = {},
  ) {
    if (code !== 0) refusals.push({ code, msg, status });
    res
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify({ code, data: {}, msg }));
  }

  /** Every request counts against the bot's limits, as Feishu counts calls, not messages. */
  function overLimit(t: number): boolean {
    while (calls.length > 0 && calls[0]! <= t - 60_000) calls.shift();
    const lastSecond = calls.filter((c) => c > t - 1000).length;
    if (lastSecond >= perSecond || calls.length >= perMinute) return true;
    calls.push(t);
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method !== 'POST' || !path.startsWith(HOOK)) return void res.writeHead(404).end();
    const text = await readBody(req);
    if (decodeURIComponent(path.slice(HOOK.length)) !== hookToken)
      return answer(res, 19001, 'param invalid: incoming webhook access token invalid');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return answer(res, 9499, 'Bad Request', 400);
    }
    const t = now();
    if (overLimit(t)) return answer(res, 11232, 'frequency limited psm[lark.oapi.app_platform_runtime]');
    const { timestamp, sign, ...message } = body;
    if (secret !== null) {
      const ts = String(timestamp ?? '');
      const fresh = /^\d+$/.test(ts) && Math.abs(t / 1000 - Number(ts)) <= 3600;
      if (!fresh || sign !== documentedSign(secret, ts))
        return answer(res, 19021, 'sign match fail or timestamp is not within one hour from current time');
    }
    const failure = failures.shift();
    if (failure?.kind === 'auth')
      return answer(res, 19021, 'sign match fail or timestamp is not within one hour from current time');
    if (failure?.kind === 'server-error') return void res.writeHead(500).end('Internal Server Error');
    if (failure?.kind === 'rate-limited') {
      // Feishu's body names no wait; the suite asks for a specific one, which an HTTP answer can
      // only carry as Retry-After (the plugin prefers it to its one-minute default).
      return answer(res, 11232, 'frequency limited', 200, {
        'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)),
      });
    }
    if (!MSG_TYPES.has(String(message.msg_type))) return answer(res, 9499, 'Bad Request', 400);
    const keywords = options.keywords ?? [];
    if (keywords.length > 0 && !keywords.some((k) => JSON.stringify(message).includes(k)))
      return answer(res, 19024, 'Key Words Not Found');
    messages.push({ at: t, body: message });
    answer(res, 0, 'success');
  }

  function callback(payload: Record<string, unknown>, o: CallbackOptions): WebhookRequest {
    const key = o.encryptKey ?? encryptKey;
    const body =
      key === null
        ? JSON.stringify(payload)
        : JSON.stringify({ encrypt: documentedEncrypt(key, JSON.stringify(payload)) });
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (key !== null && o.unsigned !== true) {
      const timestamp = String(o.timestamp ?? Math.floor(now() / 1000));
      const nonce = o.nonce ?? randomBytes(8).toString('hex');
      headers['x-lark-request-timestamp'] = timestamp;
      headers['x-lark-request-nonce'] = nonce;
      headers['x-lark-signature'] = documentedSignature(timestamp, nonce, key, body);
    }
    return webhookRequest({ method: 'POST', path: '/', headers, body });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    hookToken,
    secret,
    verificationToken,
    encryptKey,
    messages,
    refusals,
    failNext: (f) => void failures.push(f),
    event(eventType, event, o = {}) {
      const payload = {
        schema: '2.0',
        header: {
          event_id: o.eventId ?? randomBytes(16).toString('hex'),
          event_type: eventType,
          create_time: String(now()),
          token: o.token ?? verificationToken,
          app_id: 'cli_fake',
          tenant_key: 'tenant_fake',
        },
        event,
      };
      return callback(payload, o);
    },
    urlVerification(challenge, o = {}) {
      return callback({ challenge, token: o.token ?? verificationToken, type: 'url_verification' }, o);
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      });
      return closing;
    },
  };
}
