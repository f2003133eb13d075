import { createHash } from 'node:crypto';
import { formatMinor, type PluginClock } from '@kith/sdk';
import { standardWebhookHeaders, type WebhookRequest, webhookRequest } from '@kith/sdk/webhook';
import type { Plan } from './rules.js';

/**
 * The sandbox payment service: a provider that keeps checkouts in memory and plays out the plan
 * each checkout came with (pay or fail at a time, refund later), as events signed with Standard
 * Webhooks. It is a `fetch` handler, so the same code runs in process (tests, simulation, with a
 * virtual clock) or behind `startSandboxServer` (the demo, with a page to pay or fail by hand).
 */

export type SandboxState = 'pending' | 'authorized' | 'paid' | 'failed' | 'voided';

interface Checkout {
  id: string;
  key: string;
  fingerprint: string;
  order: string;
  member: string;
  amount: number;
  currency: string;
  description: string;
  capture: 'automatic' | 'manual';
  plan: Plan;
  payment: string;
  state: SandboxState;
  refunded: number;
  refunds: Map<string, { id: string; amount: number; body: unknown }>;
}

/** A normalised event, as the service sends it: `{ type, timestamp, data }` under `webhook-id`. */
export interface SandboxEvent {
  id: string;
  at: number;
  type: 'payment.succeeded' | 'payment.failed' | 'payment.refunded';
  data: Record<string, unknown>;
}

interface Scheduled {
  at: number;
  run: () => void;
}

export interface SandboxProvider {
  /** The service's HTTP API and pay page, as a fetch handler. */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Plays out everything due by `now` and returns the events not handed out yet, signed. */
  due(now?: number): WebhookRequest[];
  /** An event signed again now (a redelivery: same webhook-id, fresh timestamp). */
  signed(eventId: string, now?: number): WebhookRequest;
  events(): readonly SandboxEvent[];
  state(order: string): { state: SandboxState; refunded: number } | null;
}

const short = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const problem = (status: number, code: string, message: string) => json(status, { error: { code, message } });

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function createSandboxProvider(options: {
  secret: string;
  clock?: PluginClock;
  baseUrl?: string;
}): SandboxProvider {
  const clock = options.clock ?? { now: () => Date.now() };
  const baseUrl = options.baseUrl ?? 'http://sandbox.local';
  const checkouts = new Map<string, Checkout>(); // by order
  const byPayment = new Map<string, Checkout>();
  const byKey = new Map<string, Checkout>();
  const schedule: Scheduled[] = [];
  const log: SandboxEvent[] = [];
  let handedOut = 0;

  function emit(
    id: string,
    at: number,
    type: SandboxEvent['type'],
    c: Checkout,
    data: Record<string, unknown>,
  ) {
    log.push({
      id,
      at,
      type,
      data: { orderId: c.order, paymentId: c.payment, member: c.member, currency: c.currency, ...data },
    });
  }

  function settle(c: Checkout, outcome: 'pay' | 'fail', at: number) {
    if (c.state !== 'pending') return;
    if (outcome === 'fail') {
      c.state = 'failed';
      emit(`evt_fail_${c.id}`, at, 'payment.failed', c, { reason: 'sandbox: declined by rule' });
      return;
    }
    c.state = c.capture === 'manual' ? 'authorized' : 'paid';
    emit(`evt_pay_${c.id}`, at, 'payment.succeeded', c, {
      amount: c.amount,
      captured: c.capture !== 'manual',
    });
    const refundAt = c.plan.refundAt;
    if (refundAt !== null)
      schedule.push({ at: refundAt, run: () => refund(c, `auto-${c.id}`, c.amount, refundAt) });
  }

  function refund(
    c: Checkout,
    refundId: string,
    amount: number,
    at: number,
  ): { id: string; amount: number; body: unknown } | string {
    const seen = c.refunds.get(refundId);
    if (seen) return seen;
    if (c.state !== 'paid') return `payment ${c.payment} is ${c.state}, not paid`;
    if (c.refunded + amount > c.amount)
      return `refund of ${amount} exceeds the ${c.amount - c.refunded} left`;
    c.refunded += amount;
    const id = `re_${short(`${c.payment}:${refundId}`)}`;
    const body = { id, refund: refundId, payment: c.payment, amount, status: 'pending' };
    const r = { id, amount, body };
    c.refunds.set(refundId, r);
    emit(`evt_${id}`, at, 'payment.refunded', c, { amount, refundId, providerRefundId: id });
    return r;
  }

  function runDue(now: number) {
    schedule.sort((a, b) => a.at - b.at);
    while (schedule.length > 0 && (schedule[0]?.at ?? Number.POSITIVE_INFINITY) <= now)
      schedule.shift()?.run();
  }

  function sign(e: SandboxEvent, now: number): WebhookRequest {
    const body = JSON.stringify({ type: e.type, timestamp: new Date(e.at).toISOString(), data: e.data });
    const headers = standardWebhookHeaders(options.secret, {
      id: e.id,
      timestamp: Math.floor(now / 1000),
      body,
    });
    return webhookRequest({ headers: { ...headers, 'content-type': 'application/json' }, body });
  }

  function view(c: Checkout) {
    return {
      id: c.id,
      order: c.order,
      payment: c.payment,
      state: c.state,
      amount: c.amount,
      currency: c.currency,
      refunded: c.refunded,
      url: `${baseUrl}/pay/${encodeURIComponent(c.order)}`,
    };
  }

  function createCheckout(key: string | null, raw: string): Response {
    if (key === null) return problem(400, 'idempotency_key_required', 'Idempotency-Key header is required');
    const b = JSON.parse(raw) as Record<string, unknown>;
    const seen = byKey.get(key);
    if (seen)
      return seen.fingerprint === raw
        ? json(200, view(seen))
        : problem(422, 'idempotency_mismatch', 'key reused with other parameters');
    const amount = b.amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0)
      return problem(400, 'invalid_amount', 'amount must be a non-negative integer of minor units');
    const order = String(b.order ?? '');
    if (order === '' || checkouts.has(order))
      return problem(409, 'order_exists', `order '${order}' already has a checkout`);
    const plan = b.plan as Plan;
    const c: Checkout = {
      id: `cs_${short(order)}`,
      key,
      fingerprint: raw,
      order,
      member: String(b.member ?? ''),
      amount,
      currency: String(b.currency ?? ''),
      description: String(b.description ?? ''),
      capture: b.capture === 'manual' ? 'manual' : 'automatic',
      plan,
      payment: `pay_${short(order)}`,
      state: 'pending',
      refunded: 0,
      refunds: new Map(),
    };
    checkouts.set(order, c);
    byPayment.set(c.payment, c);
    byKey.set(key, c);
    const outcome = plan.outcome;
    if (outcome !== 'ask') schedule.push({ at: plan.at, run: () => settle(c, outcome, plan.at) });
    return json(200, view(c));
  }

  function page(c: Checkout): Response {
    const price = `${formatMinor(c.amount, c.currency)} ${escapeHtml(c.currency)}`;
    const action = `/pay/${encodeURIComponent(c.order)}`;
    const buttons =
      c.state === 'pending'
        ? `<form method="post" action="${action}"><button name="action" value="pay">Pay ${price}</button> <button name="action" value="fail">Fail</button></form>`
        : `<p>Status: <strong>${c.state}</strong></p>`;
    const html = `<!doctype html><meta charset="utf-8"><title>Sandbox checkout</title><h1>${escapeHtml(c.description)}</h1><p>${price}</p>${buttons}<p><small>Kith payment sandbox: no money moves.</small></p>`;
    return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    const method = request.method.toUpperCase();
    const raw = method === 'GET' ? '' : await request.text();
    runDue(clock.now());
    if (method === 'POST' && path === '/v1/checkouts')
      return createCheckout(request.headers.get('idempotency-key'), raw);
    let m = /^\/v1\/checkouts\/(.+)$/.exec(path);
    if (method === 'GET' && m) {
      const c = checkouts.get(decodeURIComponent(m[1] ?? ''));
      return c ? json(200, view(c)) : problem(404, 'not_found', 'no such checkout');
    }
    m = /^\/v1\/payments\/([^/]+)\/(capture|void)$/.exec(path);
    if (method === 'POST' && m) {
      const c = byPayment.get(m[1] ?? '');
      if (!c) return problem(404, 'not_found', 'no such payment');
      if (m[2] === 'capture') {
        if (c.state === 'paid') return json(200, view(c));
        if (c.state !== 'authorized') return problem(409, 'not_authorized', `payment is ${c.state}`);
        c.state = 'paid';
        return json(200, view(c));
      }
      if (c.state === 'voided') return json(200, view(c));
      if (c.state !== 'authorized') return problem(409, 'not_authorized', `payment is ${c.state}`);
      c.state = 'voided';
      return json(200, view(c));
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const b = JSON.parse(raw) as Record<string, unknown>;
      const c = byPayment.get(String(b.payment));
      if (!c) return problem(404, 'not_found', 'no such payment');
      const amount = b.amount;
      if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0)
        return problem(400, 'invalid_amount', 'amount must be a positive integer of minor units');
      const r = refund(
        c,
        String(b.refund ?? request.headers.get('idempotency-key') ?? ''),
        amount,
        clock.now(),
      );
      return typeof r === 'string' ? problem(409, 'not_refundable', r) : json(200, r.body);
    }
    m = /^\/pay\/(.+)$/.exec(path);
    if (m) {
      const c = checkouts.get(decodeURIComponent(m[1] ?? ''));
      if (!c) return new Response('no such checkout', { status: 404 });
      if (method === 'POST') {
        const action = new URLSearchParams(raw).get('action');
        if (action === 'pay' || action === 'fail') settle(c, action, clock.now());
        return new Response(null, {
          status: 303,
          headers: { location: `/pay/${encodeURIComponent(c.order)}` },
        });
      }
      return page(c);
    }
    return problem(404, 'not_found', `no route ${method} ${path}`);
  }

  return {
    fetch: (input, init) => handle(new Request(input, init)),
    due(now = clock.now()) {
      runDue(now);
      const out = log.slice(handedOut).map((e) => sign(e, now));
      handedOut = log.length;
      return out;
    },
    signed(eventId, now = clock.now()) {
      const e = log.find((x) => x.id === eventId);
      if (!e) throw new Error(`no event ${eventId}`);
      return sign(e, now);
    },
    events: () => log,
    state(order) {
      const c = checkouts.get(order);
      return c ? { state: c.state, refunded: c.refunded } : null;
    },
  };
}
