import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '@kith/sdk';
import type { FakeFailure } from '@kith/sdk/testing';
import { webhookRequest } from '@kith/sdk/webhook';
import type { OutgoingMessage } from '../outgoing.js';

/**
 * A local DingTalk for tests: the custom robot's send endpoint as DingTalk documents it, on
 * 127.0.0.1 with a random port, and the outgoing robot's signed callbacks.
 *
 *   POST /robot/send?access_token=…[&timestamp=<ms>&sign=<urlencoded base64>]
 *   → 200 {"errcode":0,"errmsg":"ok"} or an errcode: 300001 unknown token; 310000 invalid
 *     timestamp / sign not match / keywords not in content; 130101 past 20 messages a minute
 *     (then throttled for 10 minutes); 400105 unsupported msgtype.
 *
 * The signature is computed here from the documentation, independently of the plugin's code.
 */
export interface FakeDingTalkOptions {
  accessToken?: string;
  /** The robot's SEC… signing secret; null for a robot secured otherwise. */
  secret?: string | null;
  /** The outgoing robot's AppSecret, which signs callbacks. */
  appSecret?: string;
  /** Custom keywords (自定义关键词): a message must contain one. */
  keywords?: readonly string[];
  /** Messages a minute per robot (DingTalk: 20). */
  perMinute?: number;
  now?: () => number;
}

export interface RobotMessage {
  at: number;
  body: Record<string, unknown>;
}

export interface FakeDingTalk {
  /** Base URL to configure: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly accessToken: string;
  readonly secret: string | null;
  readonly appSecret: string;
  /** Messages the robot accepted, oldest first. */
  readonly messages: RobotMessage[];
  /** Every errcode it answered, oldest first. */
  readonly refusals: { errcode: number; errmsg: string }[];
  failNext(failure: FakeFailure): void;
  /** The callback DingTalk POSTs when a member @-mentions the robot, signed with the AppSecret. */
  outgoing(
    message: Partial<OutgoingMessage> & { text?: { content?: string } },
    options?: OutgoingOptions,
  ): WebhookRequest;
  close(): Promise<void>;
}

export interface OutgoingOptions {
  /** Milliseconds; default now. */
  timestamp?: number;
  /** Sign with this instead of the AppSecret (a forger's guess). */
  appSecret?: string;
}

const MINUTE = 60_000;
const THROTTLE_MS = 10 * MINUTE;
const TOLERANCE_MS = 60 * MINUTE;
const MSGTYPES = new Set(['text', 'markdown', 'actionCard', 'link', 'feedCard']);

/** The documented algorithm: base64(HMAC-SHA256(key = secret, data = timestamp + "\n" + secret)). */
function documentedSign(secret: string, timestamp: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(`${timestamp}\n${secret}`, 'utf8'))
    .digest('base64');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Every string a robot message shows, for the keyword check. */
function visibleText(body: Record<string, unknown>): string {
  return JSON.stringify(body[String(body.msgtype)] ?? '');
}

export async function startFakeDingTalk(options: FakeDingTalkOptions = {}): Promise<FakeDingTalk> {
  const now = options.now ?? Date.now;
  const accessToken = options.accessToken ?? randomBytes(16).toString('hex');
  const secret = options.secret === undefined ? `SEC${randomBytes(24).toString('hex')}` : options.secret;
  const appSecret = options.appSecret ?? randomBytes(24).toString('base64url');
  const perMinute = options.perMinute ?? 20;
  const messages: RobotMessage[] = [];
  const refusals: { errcode: number; errmsg: string }[] = [];
  const failures: FakeFailure[] = [];
  const sent: number[] = [];
  let throttledUntil = 0;
  let seq = 0;
  let closing: Promise<void> | undefined;

  function answer(
    res: ServerResponse,
    errcode: number,
    errmsg: string,
    headers: Record<string, string> = {},
  ) {
    if (errcode !== 0) refusals.push({ errcode, errmsg });
    res
      .writeHead(200, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify({ errcode, errmsg }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method !== 'POST' || url.pathname !== '/robot/send') return void res.writeHead(404).end();
    const text = await readBody(req);
    if (url.searchParams.get('access_token') !== accessToken)
      return answer(res, 300001, 'token is not exist');
    if (secret !== null) {
      const ts = url.searchParams.get('timestamp') ?? '';
      if (!/^\d+$/.test(ts) || Math.abs(now() - Number(ts)) > TOLERANCE_MS)
        return answer(res, 310000, 'invalid timestamp');
      if (url.searchParams.get('sign') !== documentedSign(secret, ts))
        return answer(res, 310000, 'sign not match');
    }
    const failure = failures.shift();
    if (failure?.kind === 'auth') return answer(res, 310000, 'sign not match');
    if (failure?.kind === 'server-error') return void res.writeHead(502).end('Bad Gateway');
    if (failure?.kind === 'rate-limited') {
      // DingTalk's body names no wait; the suite asks for a specific one, which an HTTP answer can
      // only carry as Retry-After (the plugin prefers it to the documented 10-minute throttle).
      return answer(res, 130101, 'send too fast, exceed 20 times per minute', {
        'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)),
      });
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return answer(res, 40035, '缺少参数 json');
    }
    if (!MSGTYPES.has(String(body.msgtype))) return answer(res, 400105, '不支持的消息类型');
    const keywords = options.keywords ?? [];
    if (keywords.length > 0 && !keywords.some((k) => visibleText(body).includes(k)))
      return answer(res, 310000, 'keywords not in content');
    const t = now();
    while (sent.length > 0 && sent[0]! <= t - MINUTE) sent.shift();
    if (t < throttledUntil || sent.length >= perMinute) {
      if (t >= throttledUntil) throttledUntil = t + THROTTLE_MS;
      return answer(res, 130101, 'send too fast, exceed 20 times per minute');
    }
    sent.push(t);
    messages.push({ at: t, body });
    answer(res, 0, 'ok');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    secret,
    appSecret,
    messages,
    refusals,
    failNext: (f) => void failures.push(f),
    outgoing(message, o = {}) {
      const timestamp = String(o.timestamp ?? now());
      seq += 1;
      const body: OutgoingMessage & Record<string, unknown> = {
        conversationId: 'cid-fake-group',
        conversationType: '2',
        conversationTitle: 'Fake group',
        chatbotUserId: '$:LWCP_v1:$robot',
        createAt: Number(timestamp),
        msgtype: 'text',
        senderNick: 'Member',
        senderId: `$:LWCP_v1:$sender-${seq}`,
        isInAtList: true,
        sessionWebhook: `http://127.0.0.1:${port}/robot/sendBySession?session=${seq}`,
        ...message,
        msgId: message.msgId ?? `msg${randomBytes(8).toString('hex')}`,
      };
      const raw = JSON.stringify(body);
      return webhookRequest({
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          timestamp,
          sign: documentedSign(o.appSecret ?? appSecret, timestamp),
        },
        body: raw,
      });
    },
    close() {
      // Idempotent: a test may stop the server to simulate an outage, then clean up as usual.
      closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      });
      return closing;
    },
  };
}
