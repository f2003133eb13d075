/**
 * The source of a generated channel plugin. Written as plain strings with `__Pascal__`-style
 * placeholders (filled by `fill`), and with no template literals inside, so each reads as the
 * code it produces. The placeholder API (`/messages`, `/invites`, `x-<name>-signature`) is
 * what a developer replaces with the provider's real one, in the plugin and the fake together.
 */

export const CONFIG = `import { BaseUrl, Secret, type Static, Type } from '@kith/sdk';

/** What a playbook's with: block holds for this channel; secret fields take secret references. */
export const __Pascal__Config = Type.Object({
  baseUrl: BaseUrl('https://api.__name__.example'),
  token: Secret({ description: '__Display__ API token' }),
  webhookSecret: Secret({ description: 'Secret __Display__ signs its webhooks with' }),
});

export type __Pascal__Config = Static<typeof __Pascal__Config>;
`;

export const CLIENT = String.raw`import { errorFromResponse, type PluginContext, PluginError } from '@kith/sdk';
import type { __Pascal__Config } from './config.js';

/**
 * One call to the __Display__ API. Failures become the PluginError kinds the runtime acts on:
 * 429 → rate-limited (Retry-After), 401/403 → auth, 5xx and network errors → transient.
 */
export async function call(
  ctx: PluginContext<__Pascal__Config>,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {
    authorization: 'Bearer ' + ctx.config.token,
    'content-type': 'application/json',
  };
  // The effect's idempotency key: a provider that honours it never sends a retried message twice.
  if (ctx.idempotencyKey !== null) headers['idempotency-key'] = ctx.idempotencyKey;
  const url = ctx.config.baseUrl.replace(/\/$/, '') + path;
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw PluginError.transient('__Display__ unreachable: ' + reason, { cause: e });
  }
  if (!res.ok) {
    const detail = (await res.json().catch(() => null)) as { error?: string } | null;
    throw errorFromResponse(res, { message: detail?.error, now: ctx.clock.now() });
  }
  return (await res.json()) as Record<string, unknown>;
}
`;

export const SEND = `import { type ChannelCapability, PluginError } from '@kith/sdk';
import { call } from './client.js';
import type { __Pascal__Config } from './config.js';

/** Sends text and buttons to a member's chat or to a group chat. */
export const send: ChannelCapability<__Pascal__Config>['send'] = async (ctx, message) => {
  const to = message.to;
  if (to.kind === 'member' && to.address === null) {
    // Retrying cannot help until the member has written to the bot: dead-letter it now.
    throw PluginError.permanent('member ' + to.member + ' has no __Display__ chat yet');
  }
  const res = await call(ctx, '/messages', {
    chat: to.kind === 'group' ? to.group : to.address,
    chat_type: to.kind === 'group' ? 'group' : 'user',
    text: message.text,
    buttons: message.buttons.map((b) => ({ label: b.text, payload: b.value, url: b.url })),
  });
  return { providerMessageId: String(res.message_id) };
};
`;

export const INVITE = `import type { ChannelCapability } from '@kith/sdk';
import { call } from './client.js';
import type { __Pascal__Config } from './config.js';

/** Kept long enough for a shared link to bring people in weeks later. */
const INVITE_TTL_MS = 90 * 24 * 3600 * 1000;

export const inviteKey = (code: string) => 'invite:' + code;

/** A join link from the provider; who gets credit is kept with its code for the join webhook. */
export const createInvite: ChannelCapability<__Pascal__Config>['createInvite'] = async (ctx, request) => {
  const res = await call(ctx, '/invites', { chat: request.group });
  const code = String(res.code);
  await ctx.kv.set(inviteKey(code), request.attribution, { ttlMs: INVITE_TTL_MS });
  return { code, url: String(res.url) };
};
`;

export const WEBHOOK = `import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, type WebhookHandler } from '@kith/sdk';
import { bodyJson, checkTimestamp, header, hmacVerify } from '@kith/sdk/webhook';
import type { __Pascal__Config } from './config.js';
import { inviteKey } from './invite.js';

export const SIGNATURE_HEADER = 'x-__name__-signature';
export const TIMESTAMP_HEADER = 'x-__name__-timestamp';
const TOLERANCE_MS = 5 * 60 * 1000;

/** A __Display__ webhook body. */
export interface __Pascal__Update {
  event_id: string;
  type: 'message' | 'click' | 'join' | 'leave';
  /** Epoch milliseconds. */
  ts: number;
  user: string;
  name?: string;
  chat?: string | null;
  text?: string;
  payload?: string;
  invite?: string | null;
}

const TYPES = {
  message: CHANNEL_EVENTS.messageReceived,
  click: CHANNEL_EVENTS.buttonClicked,
  join: CHANNEL_EVENTS.memberJoined,
  leave: CHANNEL_EVENTS.memberLeft,
} as const;

/** HMAC-SHA256 (hex) over timestamp + '.' + body, within five minutes of our clock. */
export const webhook: WebhookHandler<__Pascal__Config> = {
  async verify(ctx, request) {
    const signature = header(request, SIGNATURE_HEADER);
    const ts = header(request, TIMESTAMP_HEADER);
    if (signature === undefined || ts === undefined) {
      return { ok: false, reason: 'missing-signature', message: 'unsigned request' };
    }
    if (checkTimestamp(Number(ts), ctx.clock.now(), TOLERANCE_MS) !== 'ok') {
      return { ok: false, reason: 'stale', message: 'timestamp outside five minutes' };
    }
    const payload = Buffer.concat([Buffer.from(ts + '.'), request.body]);
    return hmacVerify('sha256', ctx.config.webhookSecret, payload, signature)
      ? { ok: true }
      : { ok: false, reason: 'bad-signature', message: 'signature does not match' };
  },

  async parse(ctx, request) {
    const u = bodyJson(request) as __Pascal__Update | undefined;
    if (u === undefined || !Object.hasOwn(TYPES, u.type)) return { events: [] };
    const data: Record<string, unknown> = {};
    if (u.type === 'message') Object.assign(data, { text: u.text ?? '', messageId: u.event_id });
    if (u.type === 'click') Object.assign(data, { value: u.payload ?? '' });
    if (u.type === 'join') {
      const invite = u.invite ?? null;
      const attribution = invite === null ? null : ((await ctx.kv.get(inviteKey(invite))) ?? null);
      Object.assign(data, { invite, attribution });
    }
    const event: InboundEvent = {
      // The provider's own event id: a redelivered webhook becomes the same event, ingested once.
      id: inboundEventId('__name__', u.event_id),
      type: TYPES[u.type],
      at: u.ts,
      address: u.user,
      name: u.name ?? null,
      group: u.chat ?? null,
      data,
    };
    return { events: [event] };
  },
};
`;

export const PLUGIN = `import { CHANNEL_EVENTS, CONTEXT_VERSION, definePlugin } from '@kith/sdk';
import { __Pascal__Config } from './config.js';
import { createInvite } from './invite.js';
import { send } from './send.js';
import { webhook } from './webhook.js';

export const __camel__Channel = definePlugin({
  name: '__name__',
  // Keep equal to package.json: journeys record the version they ran with.
  version: '0.1.0',
  displayName: '__Display__',
  description: 'Reach members on __Display__: messages, buttons, invite links and member activity.',
  contextVersion: CONTEXT_VERSION,
  config: __Pascal__Config,
  capabilities: {
    channel: { targets: ['member', 'group'], formats: ['buttons'], send, createInvite, webhook },
    triggers: [
      { event: CHANNEL_EVENTS.memberJoined, description: 'A member joined (data.invite, data.attribution).' },
      { event: CHANNEL_EVENTS.memberLeft, description: 'A member left.' },
      { event: CHANNEL_EVENTS.messageReceived, description: 'A member wrote a message (data.text).' },
      { event: CHANNEL_EVENTS.buttonClicked, description: 'A member pressed a button (data.value).' },
    ],
  },
  // Replace with the limits __Display__ publishes; the runtime never sends faster.
  rateLimits: [
    { name: 'per-group', max: 20, per: '1m', scope: 'group', description: 'per group: set to the provider’s published limit' },
    { name: 'overall', max: 30, per: '1s', scope: 'connection', description: 'per connection: set to the provider’s published limit' },
  ],
});
`;

export const FAKE = `import type { FakeFailure, FakeHappening, FakeProvider, FakeReceived } from '@kith/sdk/testing';
import { hmacSign, webhookRequest } from '@kith/sdk/webhook';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, type __Pascal__Update } from './webhook.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/**
 * An in-process fake of the __Display__ API: the same paths, auth, error codes and webhook
 * signatures as the real one, so the plugin's code runs unchanged against it.
 */
export function fake__Pascal__(): FakeProvider {
  const token = 'test-token';
  const webhookSecret = 'test-webhook-secret';
  const received: FakeReceived[] = [];
  const failures: FakeFailure[] = [];
  let seq = 0;

  async function handle(request: Request): Promise<Response> {
    if (request.headers.get('authorization') !== 'Bearer ' + token) return json(401, { error: 'bad token' });
    const failure = failures.shift();
    if (failure?.kind === 'rate-limited') {
      const seconds = String(Math.ceil(failure.retryAfterMs / 1000));
      return json(429, { error: 'too many requests' }, { 'retry-after': seconds });
    }
    if (failure?.kind === 'server-error') return json(503, { error: 'unavailable' });
    if (failure?.kind === 'auth') return json(401, { error: 'token revoked' });
    const path = new URL(request.url).pathname;
    const body = (await request.json()) as Record<string, unknown>;
    if (path === '/messages') {
      const chat = String(body.chat);
      const buttons = (body.buttons ?? []) as { label: string; payload: string | null; url: string | null }[];
      received.push({
        to: body.chat_type === 'group' ? { kind: 'group', group: chat } : { kind: 'member', address: chat },
        text: String(body.text),
        buttons: buttons.map((b) => ({ text: b.label, value: b.payload, url: b.url })),
      });
      seq += 1;
      return json(200, { message_id: 'm' + seq });
    }
    if (path === '/invites') {
      seq += 1;
      return json(200, { code: 'inv' + seq, url: 'https://__name__.example/join/inv' + seq });
    }
    return json(404, { error: 'no such endpoint' });
  }

  function sign(update: __Pascal__Update) {
    const body = JSON.stringify(update);
    const ts = String(Date.now());
    const signature = hmacSign('sha256', webhookSecret, ts + '.' + body);
    return webhookRequest({ headers: { [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: ts }, body });
  }

  function update(h: FakeHappening): __Pascal__Update {
    seq += 1;
    const base = { event_id: 'evt' + seq, ts: Date.now(), user: h.address, chat: h.group ?? null };
    if (h.type === 'message.received') return { ...base, type: 'message', text: h.text };
    if (h.type === 'button.clicked') return { ...base, type: 'click', payload: h.value };
    if (h.type === 'member.joined') return { ...base, type: 'join', invite: h.invite ?? null };
    return { ...base, type: 'leave' };
  }

  return {
    config: { baseUrl: 'https://api.__name__.test', token, webhookSecret },
    fetch: (input, init) => handle(new Request(input, init)),
    member: { id: 'ann', address: 'user-ann' },
    group: 'group-1',
    received: () => received,
    failNext: (f) => {
      failures.push(f);
    },
    inbound: (h) => sign(update(h)),
    forge: (request) => ({ ...request, headers: { ...request.headers, [SIGNATURE_HEADER]: '0'.repeat(64) } }),
  };
}
`;

export const CONTRACT_TEST = `import { channelContractSuite } from '@kith/sdk/testing';
import { fake__Pascal__ } from './fake-provider.js';
import { __camel__Channel } from './plugin.js';

channelContractSuite('__name__', () => __camel__Channel, fake__Pascal__);
`;

export const INDEX = `/** Kith channel plugin for __Display__. */
export { __Pascal__Config } from './config.js';
export { __camel__Channel, __camel__Channel as default } from './plugin.js';
`;
