import type { Hono } from 'hono';
import { createApp } from '../src/app.js';
import type { AppEnv } from '../src/contract.js';
import { createHost, type Host, type HostConfig } from '../src/host/create-host.js';
import { jsonLogger, Redactor } from '../src/obs/logger.js';

export interface Tokens {
  admin: string;
  editor: string;
  viewer: string;
  /** Editor of another tenant (t2) of the same agency. */
  otherTenant: string;
  /** Admin of another agency. */
  otherAgency: string;
}

export interface TestServer {
  app: Hono<AppEnv>;
  host: Host;
  tokens: Tokens;
  /** Every log line written, as text. */
  logs: string[];
  call(
    method: string,
    path: string,
    init?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A server on an in-memory host (or the given one) with agency `acme` (tenants t1, t2) and agency
 * `other` (tenant o1), and a token of each kind.
 */
export async function testServer(
  config: HostConfig = { mode: 'memory' },
  appOptions: Parameters<typeof createApp>[1] = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const redactor = new Redactor();
  const log = jsonLogger({ write: (l) => logs.push(l), redactor, level: 'debug' });
  const host = await createHost({ pollMs: 20, ...config, log, redactor });
  const app = createApp(host.deps, {
    plugins: host.plugins,
    metrics: host.metrics,
    rateLimit: false,
    ...appOptions,
  });
  const control = host.deps.control;
  if (!(await control.getAgency('acme'))) {
    await control.createAgency({ id: 'acme', name: 'Acme agency' });
    await control.createAgency({ id: 'other', name: 'Other agency' });
    await control.createTenant({ id: 't1', name: 'Tenant one', agency: 'acme' });
    await control.createTenant({ id: 't2', name: 'Tenant two', agency: 'acme' });
    await control.createTenant({ id: 'o1', name: 'Other one', agency: 'other' });
  }
  const token = async (
    role: 'agency-admin' | 'tenant-editor' | 'tenant-viewer',
    agency: string,
    tenant: string | null,
  ) => (await control.createToken({ name: `${role}-${tenant ?? agency}`, role, agency, tenant })).secret;
  const tokens: Tokens = {
    admin: await token('agency-admin', 'acme', null),
    editor: await token('tenant-editor', 'acme', 't1'),
    viewer: await token('tenant-viewer', 'acme', 't1'),
    otherTenant: await token('tenant-editor', 'acme', 't2'),
    otherAgency: await token('agency-admin', 'other', null),
  };
  return {
    app,
    host,
    tokens,
    logs,
    call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    close: () => host.close(),
  };
}

/** A small valid playbook on the sandbox channel: a welcome, a wait, a follow-up. */
export function sandboxPlaybook(id: string, options: { wait?: string; text?: string } = {}): string {
  return `kith: 1
id: ${id}
name: Test ${id}
timezone: UTC
secrets:
  SANDBOX_TOKEN: { description: the sandbox API token }
channels:
  chat: { use: sandbox@^1, with: { token: "\${secrets.SANDBOX_TOKEN}" } }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hello, send: { via: chat, to: member, text: "${options.text ?? 'Welcome {{ member.id }}'}" } }
          - { id: rest, wait: ${options.wait ?? '1d'} }
          - { id: later, send: { via: chat, to: member, text: "Still here, {{ member.id }}?" } }
`;
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Polls until `check` passes (the loop delivers asynchronously). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
