// bench/ingest: events per second through `POST /api/v1/tenants/:tenant/events` with the whole
// stack (request id, logging middleware, body limit, bearer auth, rate limiter, TypeBox/ajv
// validation, idempotent ingest into a real Runtime on the in-memory store), against a bare Hono
// route that parses the same JSON and answers 202, measured in the same run with the same
// autocannon settings. Servers and autocannon share this one process (and its CPU).
//   pnpm --filter @kith/bench ingest [--connections 10] [--duration 20] [--rounds 5] [--members 1000]
// `--only kith` (or `bare`) loads one side for the whole duration and prints no ratio: for a CPU profile
// of that side (`node --cpu-prof --conditions=kith-source --import tsx ingest.ts --only kith`).
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { MemoryEffects, MemoryScheduler, MemoryStore, Runtime, systemClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import { createApp, MemoryControlStore, SecretBox, type ServerDeps } from '@kith/server';
import { Hono } from 'hono';
import { benchArgs } from './args.js';

/** The part of autocannon's programmatic API used here (it ships no types). */
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method: string;
  headers: Record<string, string>;
  requests: { setupRequest: (r: Request) => Request }[];
}) => Promise<Result>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { values } = parseArgs({
  args: benchArgs(),
  options: {
    connections: { type: 'string', default: '10' },
    duration: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '5' },
    members: { type: 'string', default: '1000' },
    only: { type: 'string' },
  },
});
const connections = Number(values.connections);
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const members = Number(values.members);

const PLAYBOOK = `
kith: 1
id: bench
name: Bench
timezone: UTC
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: tg, text: "Hi {{ member.name }}" }
          - id: settle
            wait: 1d
  activate:
    when: member.messages >= 3
    journeys:
      - journey: thanks
        on: { stage: activate }
        steps:
          - id: thank
            send: { via: tg, text: "Thanks for joining in, {{ member.name }}" }
`;

async function fullStack(): Promise<{ app: Hono; token: string }> {
  const store = new MemoryStore();
  const runtime = new Runtime({
    store,
    scheduler: new MemoryScheduler(),
    clock: systemClock,
    effects: new MemoryEffects(),
    kernel: { trace: true },
  });
  const { playbook, params } = loadPlaybook(PLAYBOOK);
  await runtime.publish('bench', playbook, { version: '1', params });
  for (let i = 0; i < members; i++) {
    await runtime.ingest({
      tenant: 'bench',
      id: `join-${i}`,
      type: 'member.joined',
      member: `m${i}`,
      data: { name: `M${i}` },
    });
  }
  const control = new MemoryControlStore(new SecretBox(randomBytes(32)));
  await control.createAgency({ id: 'acme', name: 'Acme' });
  await control.createTenant({ id: 'bench', name: 'Bench', agency: 'acme' });
  const { secret } = await control.createToken({
    name: 'bench',
    role: 'tenant-editor',
    agency: 'acme',
    tenant: 'bench',
  });
  const deps: ServerDeps = {
    engine: {
      runtime,
      store,
      async ingest(tenant, event) {
        return (await runtime.ingest({ ...event, tenant })) === 'processed' ? 'accepted' : 'duplicate';
      },
      async ready() {
        return true;
      },
    },
    control,
    activity: { publish() {}, subscribe: () => () => {} },
    // the request log line is built (and redacted) but not written: a terminal would be the bottleneck
    log: { log() {} },
    now: Date.now,
  };
  // the rate limiter runs, with a budget this benchmark never exhausts
  const app = createApp(deps, { rateLimit: { perMinute: 1e9, burst: 1e9 } }) as unknown as Hono;
  return { app, token: secret };
}

function bare(): Hono {
  const app = new Hono();
  app.post('/api/v1/tenants/:tenant/events', async (c) => {
    const body = (await c.req.json()) as { id: string };
    return c.json({ id: body.id, status: 'accepted' }, 202);
  });
  return app;
}

function listen(app: Hono): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() });
    });
  });
}

let seq = 0;
/** Every request a new event (a new id), a message from one of the members in turn. */
function run(url: string, token: string, seconds: number): Promise<Result> {
  const run = `${Date.now().toString(36)}`;
  return autocannon({
    url: `${url}/api/v1/tenants/bench/events`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: (r) => {
          const n = seq++;
          r.body = JSON.stringify({
            id: `${run}-${n}`,
            type: 'message.received',
            member: `m${n % members}`,
            data: { text: 'hello there' },
          });
          return r;
        },
      },
    ],
  });
}

function check(name: string, r: Result): void {
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0)
    throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
}

interface Round {
  perSecond: number;
  /** Requests per second of this process's CPU time (server and client): steady when the machine is shared. */
  perCpuSecond: number;
  p50: number;
  p99: number;
}

async function measure(name: string, url: string, token: string, seconds: number): Promise<Round> {
  const cpu = process.cpuUsage();
  const r = await run(url, token, seconds);
  const used = process.cpuUsage(cpu);
  check(name, r);
  return {
    perSecond: r.requests.average,
    perCpuSecond: r.requests.total / ((used.user + used.system) / 1e6),
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const full = await fullStack();
const [fullServer, bareServer] = await Promise.all([listen(full.app), listen(bare())]);
if (values.only === 'kith' || values.only === 'bare') {
  const url = values.only === 'kith' ? fullServer.url : bareServer.url;
  const r = await measure(values.only, url, full.token, duration);
  console.log(
    `${values.only} alone: ${Math.round(r.perSecond)} req/s, ${Math.round(r.perCpuSecond)} req/CPU-s`,
  );
  fullServer.close();
  bareServer.close();
  process.exit(0);
}
// warm both up (JIT, connections), then alternate short rounds so that both sides see the same
// machine: on a shared machine load drifts, and one long run each would measure the drift
await run(bareServer.url, full.token, 2);
await run(fullServer.url, full.token, 2);
const seconds = Math.max(1, Math.round(duration / rounds));
const bareRounds: Round[] = [];
const fullRounds: Round[] = [];
for (let i = 0; i < rounds; i++) {
  if (i % 2 === 0) {
    bareRounds.push(await measure('bare', bareServer.url, full.token, seconds));
    fullRounds.push(await measure('full', fullServer.url, full.token, seconds));
  } else {
    fullRounds.push(await measure('full', fullServer.url, full.token, seconds));
    bareRounds.push(await measure('bare', bareServer.url, full.token, seconds));
  }
}
fullServer.close();
bareServer.close();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (label: string, rs: Round[]) =>
  `${label}${fmt(median(rs.map((r) => r.perSecond))).padStart(8)} req/s ${fmt(median(rs.map((r) => r.perCpuSecond))).padStart(8)} req/CPU-s   p50 ${median(rs.map((r) => r.p50))} ms  p99 ${median(rs.map((r) => r.p99))} ms`;
const ratio = (k: keyof Round) => median(fullRounds.map((r) => r[k])) / median(bareRounds.map((r) => r[k]));
console.log(
  `${connections} connections, ${rounds} alternating rounds of ${seconds} s each side (medians), ${members} members; servers and autocannon in one process`,
);
console.log(line('bare Hono route (parse JSON, 202) ', bareRounds));
console.log(line('kith POST /events (full stack)    ', fullRounds));
console.log(
  `ratio (kith / bare): ${ratio('perSecond').toFixed(2)} by req/s, ${ratio('perCpuSecond').toFixed(2)} by req/CPU-s`,
);
