import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebhookRequest, webhookRequest } from '@kith/sdk/webhook';
import Stripe from 'stripe';

/**
 * A fake of the parts of Stripe's API the plugin uses, on 127.0.0.1 at a random port: form-encoded
 * requests with bracketed keys, Bearer auth, `Idempotency-Key` replayed like Stripe does (same key
 * and parameters → the stored response; other parameters → 400 idempotency_error), Stripe's error
 * bodies, and events signed with the SDK's `generateTestHeaderString`.
 */

type Json = Record<string, unknown>;
export interface FakeCall {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Json;
}

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  status: string;
  capture_method: 'automatic' | 'manual';
  metadata: Record<string, string>;
  last_payment_error: Json | null;
  latest_charge: string | null;
  cancellation_reason: string | null;
  created: number;
}

/** `a[b][0][c]=1` → `{ a: { b: [ { c: '1' } ] } }`, as Stripe reads it. */
export function parseForm(body: string): Json {
  const root: Json = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
      const slot = node as Record<string, unknown>;
      if (last) slot[part] = value;
      else {
        slot[part] ??= nextIsIndex ? [] : {};
        node = slot[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

function stripeErr(
  status: number,
  type: string,
  message: string,
  code?: string,
): { status: number; body: Json } {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
}

export interface FakeStripe {
  baseUrl: string;
  secretKey: string;
  webhookSecret: string;
  calls: FakeCall[];
  /** The next API call fails Stripe's way. */
  failNext(kind: 'rate-limited' | 'server-error' | 'auth'): void;
  /** The payer completes the session: its intent is paid, or held for `manual` capture. */
  complete(sessionId: string): Json;
  /** The payer's card is declined on the session's intent. */
  decline(sessionId: string): Json;
  intent(id: string): Intent | undefined;
  /** A Stripe event for `object`, as Stripe would POST it, signed now (or at `timestamp`, seconds). */
  event(type: string, object: Json, options?: { id?: string; created?: number }): Json;
  signed(event: Json, options?: { timestamp?: number; secret?: string }): WebhookRequest;
  /** `charge.refunded` for the intent's charge, as Stripe sends it after each refund. */
  chargeRefunded(piId: string): Json;
  close(): Promise<void>;
}

export async function startFakeStripe(options: { now?: () => number } = {}): Promise<FakeStripe> {
  const now = options.now ?? (() => Date.now());
  const secretKey = 'sk_test_fake_51Kith';
  const webhookSecret = 'whsec_fake_kith_test_secret';
  const calls: FakeCall[] = [];
  const sessions = new Map<string, Json>();
  const intents = new Map<string, Intent>();
  const refunds = new Map<string, Json>();
  const charges = new Map<string, Json>();
  const idempotent = new Map<string, { fingerprint: string; status: number; body: Json }>();
  let failure: 'rate-limited' | 'server-error' | 'auth' | null = null;
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}_${(++seq).toString().padStart(6, '0')}`;
  const seconds = () => Math.floor(now() / 1000);

  function chargeOf(pi: Intent): Json | undefined {
    return pi.latest_charge === null ? undefined : charges.get(pi.latest_charge);
  }

  function intentView(pi: Intent, expand: string[]): Json {
    return expand.includes('latest_charge') ? { ...pi, latest_charge: chargeOf(pi) ?? null } : { ...pi };
  }

  function route(
    method: string,
    path: string,
    p: Json,
    query: URLSearchParams,
  ): { status: number; body: Json } {
    const expand = query.getAll('expand[]').concat(Array.isArray(p.expand) ? (p.expand as string[]) : []);
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const items = p.line_items as Json[] | undefined;
      const price = (items?.[0]?.price_data ?? {}) as Json;
      const amount = Number(price.unit_amount);
      if (!items || !/^\d+$/.test(String(price.unit_amount)))
        return stripeErr(
          400,
          'invalid_request_error',
          'Invalid integer: unit_amount',
          'parameter_invalid_integer',
        );
      if (p.mode !== 'payment') return stripeErr(400, 'invalid_request_error', 'mode must be payment here');
      const pid = (p.payment_intent_data ?? {}) as Json;
      const pi: Intent = {
        id: nextId('pi'),
        object: 'payment_intent',
        amount: amount * Number(items[0]?.quantity ?? 1),
        amount_capturable: 0,
        amount_received: 0,
        currency: String(price.currency),
        status: 'requires_payment_method',
        capture_method: pid.capture_method === 'manual' ? 'manual' : 'automatic',
        metadata: (pid.metadata ?? {}) as Record<string, string>,
        last_payment_error: null,
        latest_charge: null,
        cancellation_reason: null,
        created: seconds(),
      };
      intents.set(pi.id, pi);
      const id = nextId('cs_test');
      const session: Json = {
        id,
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        amount_total: pi.amount,
        currency: pi.currency,
        client_reference_id: p.client_reference_id ?? null,
        metadata: p.metadata ?? {},
        payment_intent: pi.id,
        success_url: p.success_url ?? null,
        url: `https://checkout.stripe.com/c/pay/${id}`,
        created: seconds(),
      };
      sessions.set(id, session);
      return { status: 200, body: session };
    }
    let m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === 'GET' && m) {
      const s = sessions.get(m[1] ?? '');
      return s
        ? { status: 200, body: s }
        : stripeErr(404, 'invalid_request_error', 'No such checkout session', 'resource_missing');
    }
    m = /^\/v1\/payment_intents\/([^/]+)(?:\/(capture|cancel))?$/.exec(path);
    if (m) {
      const pi = intents.get(m[1] ?? '');
      if (!pi) return stripeErr(404, 'invalid_request_error', 'No such payment_intent', 'resource_missing');
      if (method === 'GET' && m[2] === undefined) return { status: 200, body: intentView(pi, expand) };
      if (method === 'POST' && m[2] === 'capture') {
        if (pi.status !== 'requires_capture')
          return stripeErr(
            400,
            'invalid_request_error',
            `This PaymentIntent could not be captured because it has a status of ${pi.status}.`,
            'payment_intent_unexpected_state',
          );
        const amount = p.amount_to_capture === undefined ? pi.amount_capturable : Number(p.amount_to_capture);
        if (amount > pi.amount_capturable)
          return stripeErr(400, 'invalid_request_error', 'amount_to_capture too large');
        pi.status = 'succeeded';
        pi.amount_received = amount;
        pi.amount_capturable = 0;
        const ch = chargeOf(pi);
        if (ch) Object.assign(ch, { captured: true, amount_captured: amount });
        return { status: 200, body: { ...pi } };
      }
      if (method === 'POST' && m[2] === 'cancel') {
        if (pi.status === 'succeeded')
          return stripeErr(
            400,
            'invalid_request_error',
            'You cannot cancel this PaymentIntent because it has a status of succeeded.',
            'payment_intent_unexpected_state',
          );
        pi.status = 'canceled';
        pi.amount_capturable = 0;
        pi.cancellation_reason = String(p.cancellation_reason ?? 'requested_by_customer');
        return { status: 200, body: { ...pi } };
      }
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = intents.get(String(p.payment_intent));
      if (!pi) return stripeErr(404, 'invalid_request_error', 'No such payment_intent', 'resource_missing');
      const ch = chargeOf(pi);
      if (pi.status !== 'succeeded' || !ch)
        return stripeErr(
          400,
          'invalid_request_error',
          'This PaymentIntent does not have a successful charge to refund.',
          'charge_not_refundable',
        );
      const amount =
        p.amount === undefined ? pi.amount_received - Number(ch.amount_refunded) : Number(p.amount);
      if (!Number.isSafeInteger(amount) || amount <= 0)
        return stripeErr(400, 'invalid_request_error', 'Invalid integer: amount');
      if (Number(ch.amount_refunded) + amount > pi.amount_received)
        return stripeErr(
          400,
          'invalid_request_error',
          `Refund amount (${amount}) is greater than unrefunded amount on charge`,
          'amount_too_large',
        );
      ch.amount_refunded = Number(ch.amount_refunded) + amount;
      ch.refunded = ch.amount_refunded === pi.amount_received;
      const refund: Json = {
        id: nextId('re'),
        object: 'refund',
        amount,
        currency: pi.currency,
        charge: ch.id,
        payment_intent: pi.id,
        metadata: p.metadata ?? {},
        status: 'succeeded',
        created: seconds(),
      };
      refunds.set(String(refund.id), refund);
      return { status: 200, body: refund };
    }
    if (method === 'GET' && path === '/v1/refunds') {
      const pi = query.get('payment_intent');
      const data = [...refunds.values()].filter((r) => pi === null || r.payment_intent === pi).reverse();
      return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/refunds' } };
    }
    return stripeErr(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path})`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    const params = method === 'GET' ? parseForm(url.searchParams.toString()) : parseForm(raw);
    calls.push({ method, path: url.pathname, idempotencyKey: key, params });
    const send = (status: number, body: Json, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': nextId('req'), ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${secretKey}` || failure === 'auth') {
      failure = null;
      const e = stripeErr(401, 'invalid_request_error', 'Invalid API Key provided: sk_test_****');
      return send(e.status, e.body);
    }
    if (failure === 'rate-limited') {
      failure = null;
      const e = stripeErr(
        429,
        'invalid_request_error',
        'Too many requests hit the API too quickly.',
        'rate_limit',
      );
      return send(e.status, e.body, { 'retry-after': '2' });
    }
    if (failure === 'server-error') {
      failure = null;
      const e = stripeErr(500, 'api_error', 'Something went wrong on our end.');
      return send(e.status, e.body);
    }
    if (method === 'POST' && key !== null) {
      const fingerprint = `${url.pathname}?${raw}`;
      const seen = idempotent.get(key);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          const e = stripeErr(
            400,
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
          );
          return send(e.status, e.body);
        }
        return send(seen.status, seen.body, { 'idempotent-replayed': 'true' });
      }
      const out = route(method, url.pathname, params, url.searchParams);
      idempotent.set(key, { fingerprint, ...out });
      return send(out.status, out.body);
    }
    const out = route(method, url.pathname, params, url.searchParams);
    return send(out.status, out.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function event(type: string, object: Json, o: { id?: string; created?: number } = {}): Json {
    return {
      id: o.id ?? nextId('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: o.created ?? seconds(),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
  }

  function settle(sessionId: string, outcome: 'paid' | 'declined'): Json {
    const s = sessions.get(sessionId);
    if (!s) throw new Error(`no session ${sessionId}`);
    const pi = intents.get(String(s.payment_intent));
    if (!pi) throw new Error(`no intent for ${sessionId}`);
    if (outcome === 'declined') {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
      return event('payment_intent.payment_failed', { ...pi });
    }
    const ch: Json = {
      id: nextId('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_captured: pi.capture_method === 'manual' ? 0 : pi.amount,
      amount_refunded: 0,
      captured: pi.capture_method !== 'manual',
      refunded: false,
      currency: pi.currency,
      payment_intent: pi.id,
      metadata: {},
    };
    charges.set(String(ch.id), ch);
    pi.latest_charge = String(ch.id);
    if (pi.capture_method === 'manual') {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
    } else {
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
    }
    Object.assign(s, { status: 'complete', payment_status: pi.status === 'succeeded' ? 'paid' : 'unpaid' });
    return event('checkout.session.completed', { ...s });
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    secretKey,
    webhookSecret,
    calls,
    failNext(kind) {
      failure = kind;
    },
    complete: (id) => settle(id, 'paid'),
    decline: (id) => settle(id, 'declined'),
    intent: (id) => intents.get(id),
    event,
    signed(e, o = {}) {
      const payload = JSON.stringify(e, null, 2);
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: o.secret ?? webhookSecret,
        timestamp: o.timestamp ?? seconds(),
      });
      return webhookRequest({
        path: '/',
        headers: { 'Stripe-Signature': signature, 'content-type': 'application/json' },
        body: payload,
      });
    },
    chargeRefunded(piId) {
      const pi = intents.get(piId);
      const ch = pi && chargeOf(pi);
      if (!ch) throw new Error(`no charge for ${piId}`);
      return event('charge.refunded', { ...ch });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
