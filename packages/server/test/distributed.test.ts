import { randomBytes } from 'node:crypto';
import { pgSqlFromUrl } from '@kith/store-sql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES_PATH, queueBoard } from '../src/admin/queues.js';
import { createApp } from '../src/app.js';
import { createDistributedHost, type DistributedHost } from '../src/host/distributed.js';
import { jsonLogger } from '../src/obs/logger.js';
import { serveWorkerEndpoint } from '../src/obs/worker-endpoint.js';
import { eventually, sandboxPlaybook } from './helpers.js';

const PG = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.KITH_TEST_REDIS ?? 'redis://127.0.0.1:6379';
const db = `kith_srv_dist_${randomBytes(4).toString('hex')}`;
const prefix = `kith-srv-${randomBytes(4).toString('hex')}`;
const env = { KITH_SECRET_KEY: 'c'.repeat(64) };
const quiet = jsonLogger({ write: () => undefined });

let api: DistributedHost | undefined;
let worker: DistributedHost | undefined;

beforeAll(async () => {
  const admin = pgSqlFromUrl(`${PG}/test`);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.close();
});
afterAll(async () => {
  await worker?.close();
  for (const q of api?.queues ?? []) await q.obliterate({ force: true }).catch(() => undefined);
  await api?.close();
  const redis = new Redis(REDIS);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  const admin = pgSqlFromUrl(`${PG}/test`);
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.close();
});

describe('distributed mode (PostgreSQL + Redis)', () => {
  it('refuses to start without a shared secret key', async () => {
    await expect(
      createDistributedHost({
        databaseUrl: `${PG}/${db}`,
        redisUrl: REDIS,
        role: 'api',
        env: {},
        log: quiet,
      }),
    ).rejects.toThrow(/KITH_SECRET_KEY/);
  });

  it('queues an event in the API process; a worker runs it and delivers through the plugin', async () => {
    const config = { databaseUrl: `${PG}/${db}`, redisUrl: REDIS, prefix, env, log: quiet };
    api = await createDistributedHost({ ...config, role: 'api' });
    const app = createApp(api.deps, { plugins: api.plugins, metrics: api.metrics, rateLimit: false });
    const { control } = api.deps;
    await control.createAgency({ id: 'acme', name: 'Acme' });
    await control.createTenant({ id: 't1', name: 'One', agency: 'acme' });
    const { secret } = await control.createToken({
      name: 'ed',
      role: 'tenant-editor',
      agency: 'acme',
      tenant: 't1',
    });
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // the worker is up before the tenant's first publish: it must pick the playbook up by itself
    worker = await createDistributedHost({ ...config, role: 'worker', concurrency: 2 });
    expect(
      (await call('PUT', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', { value: 'dist-token' })).status,
    ).toBe(204);
    expect(
      (
        await call('POST', '/api/v1/tenants/t1/playbooks', {
          id: 'welcome',
          source: sandboxPlaybook('welcome'),
        })
      ).status,
    ).toBe(201);
    expect((await call('POST', '/api/v1/tenants/t1/playbooks/welcome/publish', { revision: 1 })).status).toBe(
      200,
    );
    const ev = await call('POST', '/api/v1/tenants/t1/events', {
      id: 'd1',
      type: 'member.joined',
      member: 'ann',
    });
    expect(ev.status).toBe(202);
    expect(await ev.json()).toEqual({ id: 'd1', status: 'accepted' });
    const dup = await call('POST', '/api/v1/tenants/t1/events', {
      id: 'd1',
      type: 'member.joined',
      member: 'ann',
    });
    expect(await dup.json()).toEqual({ id: 'd1', status: 'duplicate' });

    const w = worker;
    await eventually(
      () =>
        expect(
          w.sandboxes
            .chatOf('t1', 'chat')
            ?.inbox()
            .map((m) => m.text),
        ).toEqual(['Welcome ann']),
      30_000,
    );
    expect((await app.request('/readyz')).status).toBe(200);
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(/kith_queue_depth\{queue="kith-events",state="waiting"\} \d+/);
  }, 120_000);

  it('a worker answers probes and exports its counters on its own port', async () => {
    const w = worker as DistributedHost;
    const endpoint = await serveWorkerEndpoint(w, { port: 0 });
    try {
      expect((await fetch(`${endpoint.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${endpoint.url}/readyz`)).json()).toEqual({ ok: true });
      const text = await (await fetch(`${endpoint.url}/metrics`)).text();
      // the event of the previous test went through this worker
      const ingested = Number(/^kith_worker_events_ingested_total (\d+)$/m.exec(text)?.[1]);
      expect(ingested).toBeGreaterThanOrEqual(1);
      expect(text).toContain('# TYPE kith_worker_events_ingested_total counter');
      expect(text).toMatch(/^kith_worker_timers_fired_total \d+$/m);
      expect(text).toMatch(/kith_queue_depth\{queue="kith-effects",state="waiting"\} \d+/);
      // the worker serves no API
      expect((await fetch(`${endpoint.url}/api/v1/me`)).status).toBe(404);
    } finally {
      await endpoint.close();
    }
  });

  it('shows bull-board to agency admins only', async () => {
    const host = api as DistributedHost;
    const app = createApp(host.deps, {
      plugins: host.plugins,
      mounts: [{ path: QUEUES_PATH, app: queueBoard(host.deps, host.queues) }],
    });
    const { secret: adminToken } = await host.deps.control.createToken({
      name: 'boss',
      role: 'agency-admin',
      agency: 'acme',
      tenant: null,
    });
    const { secret: viewer } = await host.deps.control.createToken({
      name: 'v',
      role: 'tenant-viewer',
      agency: 'acme',
      tenant: 't1',
    });
    expect((await app.request(QUEUES_PATH)).status).toBe(401);
    expect((await app.request(QUEUES_PATH, { headers: { authorization: `Bearer ${viewer}` } })).status).toBe(
      403,
    );
    const login = await app.request(`${QUEUES_PATH}?access_token=${adminToken}`);
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const page = await app.request(QUEUES_PATH, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const queues = await app.request(`${QUEUES_PATH}/api/queues`, { headers: { cookie } });
    expect(JSON.stringify(await queues.json())).toContain('kith-events');
  });
});
