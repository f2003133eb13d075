import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlidingWindow } from './window.js';

export interface Clock {
  now(): number;
}

/** What the fake answers the next request with, the way qyapi does. */
export type WeComFailure =
  /** errcode 45009 as the robot answers it: no wait is given. */
  | { kind: 'frequency-limit' }
  /**
   * HTTP 429 with Retry-After, as a rate-limiting proxy in front of qyapi answers (the SDK suite's
   * `rate-limited` needs a provider-given wait, which WeCom's own 45009 never carries).
   */
  | { kind: 'rate-limited'; retryAfterMs: number }
  /** errcode -1, 系统繁忙. */
  | { kind: 'server-error' }
  /** errcode 93000, invalid webhook url: the key was removed. */
  | { kind: 'auth' };

/** One robot message as it arrived. */
export interface RobotMessage {
  key: string;
  at: number;
  body: Record<string, unknown>;
}

export interface ContactWay {
  config_id: string;
  qr_code: string;
  state: string;
  user: string[];
}

export interface FakeWeComServerOptions {
  /** Robot keys the fake knows; each is one group chat. */
  robotKeys?: readonly string[];
  corpId?: string;
  /** The app secret gettoken accepts. */
  secret?: string;
  /** Time as the fake sees it: the run's virtual clock to judge the robot's minute in virtual time. */
  clock?: Clock;
}

export interface FakeWeComServer {
  /** `http://127.0.0.1:<port>`: the plugin's baseUrl. */
  readonly url: string;
  readonly corpId: string;
  readonly secret: string;
  readonly robotKeys: readonly string[];
  /** Messages the robots accepted, oldest first. */
  readonly robotMessages: RobotMessage[];
  /** Every robot request with the errcode it got (0 = accepted). */
  readonly robotAnswers: { at: number; errcode: number }[];
  readonly contactWays: ContactWay[];
  /** Access tokens handed out; `expireTokens()` makes them all answer 42001. */
  readonly tokens: string[];
  expireTokens(): void;
  failNext(failure: WeComFailure): void;
  close(): Promise<void>;
}

const ROBOT_LIMIT = { max: 20, perMs: 60_000 };
const MSG_TYPES = new Set(['text', 'markdown', 'image', 'news', 'file', 'template_card']);
const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const answer = (errcode: number, errmsg: string, extra: Record<string, unknown> = {}) => ({
  errcode,
  errmsg,
  ...extra,
});

/** A robot body's problem as qyapi reports it (全局错误码), or null when it is a valid message. */
function robotBodyError(body: Record<string, unknown>): { errcode: number; errmsg: string } | null {
  const type = body.msgtype;
  if (typeof type !== 'string' || !MSG_TYPES.has(type)) return answer(40008, 'invalid message type');
  const part = body[type] as Record<string, unknown> | undefined;
  if (part === undefined || typeof part !== 'object') return answer(40035, 'invalid args');
  if (type === 'text') {
    if (bytes(part.content) === 0) return answer(44004, 'empty content');
    if (bytes(part.content) > 2048) return answer(40058, 'content exceed max length 2048');
  }
  if (type === 'markdown') {
    if (bytes(part.content) === 0) return answer(44004, 'empty content');
    if (bytes(part.content) > 4096) return answer(40058, 'content exceed max length 4096');
  }
  if (type === 'news') {
    const articles = part.articles;
    if (!Array.isArray(articles) || articles.length < 1 || articles.length > 8)
      return answer(40058, 'invalid articles');
    for (const a of articles as Record<string, unknown>[]) {
      if (bytes(a.title) === 0 || bytes(a.title) > 128) return answer(40058, 'invalid article title');
      if (bytes(a.description) > 512) return answer(40058, 'invalid article description');
      if (typeof a.url !== 'string' || a.url === '') return answer(40058, 'invalid article url');
    }
  }
  return null;
}

/**
 * A local qyapi on 127.0.0.1 (random port) with the parts the plugin uses, answering HTTP 200 with
 * `{ errcode, errmsg }` as WeCom does: the group robot (`POST /cgi-bin/webhook/send?key=`, text /
 * markdown / news checks, 20 messages per sliding minute per key, then 45009; 93000 for an unknown
 * key), `GET /cgi-bin/gettoken` and `POST /cgi-bin/externalcontact/add_contact_way`.
 */
export async function startFakeWeCom(options: FakeWeComServerOptions = {}): Promise<FakeWeComServer> {
  const clock = options.clock ?? { now: () => Date.now() };
  const corpId = options.corpId ?? 'wwfakecorp0000001';
  const secret = options.secret ?? 'fake-app-secret-0123456789';
  const robotKeys = options.robotKeys ?? ['693a91f6-7fff-4bc4-97a0-0ec2fake0001'];
  const windows = new Map(robotKeys.map((k) => [k, new SlidingWindow(ROBOT_LIMIT.max, ROBOT_LIMIT.perMs)]));
  const robotMessages: RobotMessage[] = [];
  const robotAnswers: { at: number; errcode: number }[] = [];
  const contactWays: ContactWay[] = [];
  const tokens: string[] = [];
  const expired = new Set<string>();
  const failures: WeComFailure[] = [];

  function robot(key: string | null, body: Record<string, unknown>) {
    const now = clock.now();
    const window = key === null ? undefined : windows.get(key);
    const result = (() => {
      if (window === undefined) return answer(93000, 'invalid webhook url, hint: [fake]');
      const invalid = robotBodyError(body);
      if (invalid !== null) return invalid;
      if (window.waitMs(now) > 0) return answer(45009, 'api freq out of limit, hint: [fake]');
      window.record(now);
      robotMessages.push({ key: key!, at: now, body });
      return answer(0, 'ok');
    })();
    robotAnswers.push({ at: now, errcode: result.errcode });
    return result;
  }

  function token(url: URL) {
    if (url.searchParams.get('corpid') !== corpId) return answer(40013, 'invalid corpid');
    if (url.searchParams.get('corpsecret') !== secret) return answer(40001, 'invalid credential');
    const t = randomBytes(24).toString('base64url');
    tokens.push(t);
    return answer(0, 'ok', { access_token: t, expires_in: 7200 });
  }

  function contactWay(url: URL, body: Record<string, unknown>) {
    const t = url.searchParams.get('access_token');
    if (t === null || t === '') return answer(41001, 'access_token missing');
    if (expired.has(t)) return answer(42001, 'access_token expired');
    if (!tokens.includes(t)) return answer(40014, 'invalid access_token');
    const state = body.state;
    if (typeof state === 'string' && [...state].length > 30)
      return answer(40058, 'state exceed max length 30');
    if (body.type !== 1 || !Array.isArray(body.user) || body.user.length !== 1)
      return answer(40058, 'invalid user');
    const way: ContactWay = {
      config_id: randomBytes(16).toString('hex'),
      qr_code: `https://wework.qq.com/wwqrlogin/qrcode/${randomBytes(12).toString('hex')}`,
      state: typeof state === 'string' ? state : '',
      user: body.user as string[],
    };
    contactWays.push(way);
    return answer(0, 'ok', { config_id: way.config_id, qr_code: way.qr_code });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers })
        .end(JSON.stringify(payload));
    const failure = failures.shift();
    if (failure?.kind === 'rate-limited')
      return json(
        429,
        { error: 'rate limited' },
        { 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) },
      );
    if (failure !== undefined) {
      const errcode = failure.kind === 'frequency-limit' ? 45009 : failure.kind === 'auth' ? 93000 : -1;
      robotAnswers.push({ at: clock.now(), errcode });
      return json(200, answer(errcode, failure.kind === 'server-error' ? 'system busy' : 'injected'));
    }
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(200, answer(47001, 'data format error'));
      }
    }
    if (req.method === 'POST' && url.pathname === '/cgi-bin/webhook/send')
      return json(200, robot(url.searchParams.get('key'), body));
    if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') return json(200, token(url));
    if (req.method === 'POST' && url.pathname === '/cgi-bin/externalcontact/add_contact_way')
      return json(200, contactWay(url, body));
    return json(404, answer(40066, 'invalid url'));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    corpId,
    secret,
    robotKeys,
    robotMessages,
    robotAnswers,
    contactWays,
    tokens,
    expireTokens: () => {
      for (const t of tokens) expired.add(t);
    },
    failNext: (f) => void failures.push(f),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
