import { randomBytes } from 'node:crypto';
import { MemoryEffects, MemoryScheduler, MemoryStore, Runtime, type Store, VirtualClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { createApp } from '../src/app.js';
import type { EngineHost, ServerDeps } from '../src/contract.js';
import { MemoryControlStore } from '../src/control/memory.js';
import { SecretBox } from '../src/control/secret-box.js';
import { createActivityBus } from '../src/live/bus.js';
import { activityObserver } from '../src/live/observer.js';

/** A shop: welcome, an offer, a wait for the payment, a goal; stages by messages and orders. */
export const SHOP = `
kith: 1
id: shop
name: Shop
timezone: UTC
channels:
  tg: { use: telegram }
payments:
  pay: { use: stripe }
offers:
  box: { price: 1500, currency: CNY, payment: pay }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: tg, text: "Hi {{ member.name }}" }
          - id: pitch
            offer: { offer: box, via: tg }
          - id: paid
            wait: { event: payment.succeeded, timeout: 2d }
            onTimeout:
              - id: unpaid
                exit: unpaid
          - id: won
            goal: purchased
  activate:
    when: member.messages >= 1
    journeys: []
  transact:
    when: member.orders >= 1
    journeys: []
`;

export interface KitOptions {
  /** Publish SHOP for tenant `shop` (default true). */
  publish?: boolean;
  /** The engine's store (default a MemoryStore). */
  store?: Store;
}

/**
 * The server on the engine's in-memory adapters: agency `acme` with tenants `shop` (SHOP
 * published and saved as draft `shop`) and `other`, and a token of each kind.
 */
export async function runtimeKit(options: KitOptions = {}) {
  const clock = new VirtualClock('2026-01-05T08:00:00Z');
  const store = options.store ?? new MemoryStore();
  const scheduler = new MemoryScheduler();
  const effects = new MemoryEffects(clock);
  const activity = createActivityBus();
  const runtime = new Runtime({
    store,
    scheduler,
    clock,
    effects,
    retry: { baseMs: 1000, maxMs: 10_000, maxAttempts: 2 },
    kernel: { trace: true },
    observer: activityObserver(activity, () => clock.now()),
  });
  const control = new MemoryControlStore(new SecretBox(randomBytes(32)), () => clock.now());
  await control.createAgency({ id: 'acme', name: 'Acme' });
  await control.createTenant({ id: 'shop', name: 'Shop', agency: 'acme' });
  await control.createTenant({ id: 'other', name: 'Other', agency: 'acme' });
  const token = async (role: 'tenant-editor' | 'tenant-viewer', tenant: string) =>
    (await control.createToken({ name: `${role}@${tenant}`, role, agency: 'acme', tenant })).secret;
  const tokens = {
    editor: await token('tenant-editor', 'shop'),
    viewer: await token('tenant-viewer', 'shop'),
    otherEditor: await token('tenant-editor', 'other'),
  };
  await control.createPlaybook('shop', 'shop', SHOP);
  if (options.publish ?? true) {
    const { playbook, params } = loadPlaybook(SHOP);
    await runtime.publish('shop', playbook, { version: '1', params });
  }
  const engine: EngineHost = {
    runtime,
    store,
    async ingest(tenant, event) {
      return (await runtime.ingest({ ...event, tenant })) === 'processed' ? 'accepted' : 'duplicate';
    },
    async ready() {
      return true;
    },
  };
  const deps: ServerDeps = { engine, control, activity, log: { log() {} }, now: () => clock.now() };
  const app = createApp(deps, { rateLimit: false });

  const request = (
    method: string,
    path: string,
    init: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] ??= 'application/json';
    return app.request(path, {
      method,
      headers,
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
  };
  const json = async (method: string, path: string, init: Parameters<typeof request>[2] = {}) => {
    const res = await request(method, path, init);
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown> & { items?: unknown[] },
    };
  };
  return { clock, store, scheduler, effects, activity, runtime, control, tokens, deps, app, request, json };
}

export type RuntimeKit = Awaited<ReturnType<typeof runtimeKit>>;

/**
 * Reads server-sent events from a response until `until` says stop or the stream ends; past
 * `timeoutMs` it throws, or with `quiet` returns what came (to show that nothing else did).
 */
export async function readSse(
  res: Response,
  until: (events: { event: string; data: unknown }[]) => boolean,
  timeoutMs = 20_000,
  quiet = false,
): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(events)) {
      const left = deadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), Math.max(0, left));
      });
      const next = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (next === 'timeout') {
        if (quiet) break;
        throw new Error(`no matching event within ${timeoutMs} ms: ${JSON.stringify(events).slice(0, 500)}`);
      }
      const { done, value } = next;
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (event !== undefined) events.push({ event, data: JSON.parse(data) });
        cut = buffer.indexOf('\n\n');
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}
