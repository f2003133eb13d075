import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, KithApi } from '../src/api/client.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  idempotencyKey: string | undefined;
  body: unknown;
}

const TOKEN = 'kith_test_token';
let server: Server;
let base: string;
let last: Seen;
const hanging = new Set<ServerResponse>();

function problem(
  res: ServerResponse,
  status: number,
  doc: Record<string, unknown>,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(JSON.stringify({ type: `https://kith.dev/problems/${doc.code}`, status, instance: '/x', ...doc }));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers like the contract in packages/server/ROUTES.md, for the routes the tests call. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  last = {
    method: req.method ?? '',
    url: req.url ?? '',
    auth: req.headers.authorization,
    idempotencyKey: req.headers['idempotency-key'] as string | undefined,
    body: raw === '' ? undefined : JSON.parse(raw),
  };
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (path === '/healthz') return json(res, 200, { ok: true });
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end('kith_events_total 3\n');
    return;
  }
  if (path === '/api/v1/hang') {
    hanging.add(res);
    return;
  }
  if (path === '/api/v1/proxy') {
    res.writeHead(502, { 'content-type': 'text/html' });
    res.end('<html>Bad gateway</html>');
    return;
  }
  if (path === '/api/v1/html') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>index</html>');
    return;
  }
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    return problem(res, 401, {
      title: 'Unauthorized',
      code: 'unauthorized',
      detail: 'A bearer token is required.',
    });
  }
  if (path === '/api/v1/me') {
    return json(res, 200, {
      token: { id: 't1', name: 'ops', role: 'tenant-editor', agency: 'a', tenant: 'acme' },
    });
  }
  if (path === '/api/v1/tenants/acme/playbooks' && req.method === 'POST') {
    const body = last.body as { id: string; params?: Record<string, unknown> };
    if (body.id === 'taken') {
      return problem(res, 409, {
        title: 'Conflict',
        code: 'playbook-exists',
        detail: 'Playbook "taken" already exists.',
      });
    }
    if (body.params?.brand === '') {
      return problem(res, 422, {
        title: 'Unprocessable Content',
        code: 'invalid-params',
        detail: 'Some template parameters are invalid.',
        errors: [{ path: '/params/brand', message: 'brand must not be empty', code: 'minLength' }],
      });
    }
    return json(res, 201, {
      id: body.id,
      source: 'kith: 1',
      revision: 1,
      diagnostics: [],
      publishedVersion: null,
      versions: [],
    });
  }
  if (path === '/api/v1/tenants/acme/playbooks/club' && req.method === 'PUT') {
    return problem(res, 409, {
      title: 'Conflict',
      code: 'revision-conflict',
      detail: 'The playbook changed since revision 3 (now 4).',
      requestId: 'req-9',
    });
  }
  if (path === '/api/v1/tenants/acme/playbooks/club' && req.method === 'DELETE') {
    res.writeHead(204);
    res.end();
    return;
  }
  if (path === '/api/v1/tenants/acme/playbooks/club/publish') {
    return problem(res, 422, {
      title: 'Unprocessable Content',
      code: 'playbook-invalid',
      detail: 'The draft has errors.',
      diagnostics: [
        { severity: 'error', code: 'unknown-channel', message: 'No channel "wx".', line: 3, column: 5 },
      ],
    });
  }
  if (path === '/api/v1/tenants/acme/playbooks/club/diff') {
    return json(res, 200, {
      from: url.searchParams.get('from'),
      to: url.searchParams.get('to'),
      unified: '',
      changes: [],
    });
  }
  if (path === '/api/v1/tenants/acme/members') {
    return json(res, 200, {
      items: [{ id: 'm1', name: 'Lin', stage: 'attract', tier: 'mum', tags: [] }],
      next: 'c2',
    });
  }
  if (path.startsWith('/api/v1/tenants/acme/members/')) {
    return json(res, 200, { id: decodeURIComponent(path.split('/')[6] ?? '') });
  }
  if (path.startsWith('/api/v1/tenants/acme/dead-letters/')) {
    return json(res, 202, { key: decodeURIComponent(path.split('/')[6] ?? ''), status: 'pending' });
  }
  if (path === '/api/v1/tenants/acme/events') {
    return json(res, 202, { id: last.idempotencyKey ?? 'generated', status: 'accepted' });
  }
  if (path === '/api/v1/tenants/acme/simulations') {
    return problem(
      res,
      429,
      { title: 'Too Many Requests', code: 'rate-limited', detail: 'Slow down.' },
      { 'retry-after': '7' },
    );
  }
  if (path === '/api/v1/tenants/other') {
    return problem(res, 404, { title: 'Not Found', code: 'not-found', detail: 'No tenant "other".' });
  }
  return problem(res, 404, { title: 'Not Found', code: 'not-found', detail: `No route ${path}.` });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function api(token: string | null = TOKEN): KithApi {
  return new KithApi({ baseUrl: `${base}/`, token });
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('KithApi against a contract-shaped server', () => {
  it('sends the bearer token and returns the typed answer', async () => {
    const me = await api().me();
    expect(me.token.tenant).toBe('acme');
    expect(last.auth).toBe(`Bearer ${TOKEN}`);
    expect(last.method).toBe('GET');
  });

  it('reads the token at each call when given a function', async () => {
    let token: string | null = null;
    const client = new KithApi({ baseUrl: base, token: () => token });
    expect((await failure(client.me())).isUnauthorized).toBe(true);
    token = TOKEN;
    await expect(client.me()).resolves.toMatchObject({ token: { id: 't1' } });
  });

  it('parses a 401 problem document', async () => {
    const e = await failure(api('wrong').me());
    expect(e.kind).toBe('http');
    expect(e.status).toBe(401);
    expect(e.code).toBe('unauthorized');
    expect(e.detail).toBe('A bearer token is required.');
    expect(e.isUnauthorized).toBe(true);
  });

  it('creates a playbook from a template with the body the contract names', async () => {
    const pb = await api().createPlaybook('acme', {
      id: 'club',
      template: 'mother-baby',
      params: { brand: 'Stars' },
    });
    expect(pb.id).toBe('club');
    expect(last.method).toBe('POST');
    expect(last.url).toBe('/api/v1/tenants/acme/playbooks');
    expect(last.body).toEqual({ id: 'club', template: 'mother-baby', params: { brand: 'Stars' } });
  });

  it('surfaces 409 distinctly, with the server words and request id', async () => {
    const e = await failure(api().savePlaybook('acme', 'club', { source: 'kith: 1', revision: 3 }));
    expect(e.isConflict).toBe(true);
    expect(e.code).toBe('revision-conflict');
    expect(e.detail).toContain('revision 3');
    expect(e.requestId).toBe('req-9');
    expect(last.body).toEqual({ source: 'kith: 1', revision: 3 });
    const taken = await failure(api().createPlaybook('acme', { id: 'taken', source: 'kith: 1' }));
    expect(taken.isConflict).toBe(true);
  });

  it('gives field errors with their JSON pointer paths', async () => {
    const e = await failure(api().createPlaybook('acme', { id: 'x', template: 't', params: { brand: '' } }));
    expect(e.status).toBe(422);
    expect(e.isConflict).toBe(false);
    expect(e.errors).toEqual([
      { path: '/params/brand', message: 'brand must not be empty', code: 'minLength' },
    ]);
    expect(e.fieldError('/params/brand')).toBe('brand must not be empty');
    expect(e.fieldError('/params')).toBe('brand must not be empty');
    expect(e.fieldError('/id')).toBeUndefined();
  });

  it('keeps the diagnostics of a refused publish', async () => {
    const e = await failure(api().publish('acme', 'club', 4));
    expect(e.code).toBe('playbook-invalid');
    expect(e.diagnostics).toHaveLength(1);
    expect(e.diagnostics[0]?.code).toBe('unknown-channel');
    expect(last.body).toEqual({ revision: 4 });
  });

  it('returns nothing for 204', async () => {
    await expect(api().deletePlaybook('acme', 'club')).resolves.toBeUndefined();
    expect(last.method).toBe('DELETE');
  });

  it('builds queries without empty filters, and encodes path segments', async () => {
    const page = await api().listMembers('acme', {
      q: 'Lin',
      stage: 'attract',
      tier: '',
      cursor: 'c1',
      limit: 25,
    });
    expect(page.next).toBe('c2');
    const u = new URL(last.url, 'http://x');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      q: 'Lin',
      stage: 'attract',
      cursor: 'c1',
      limit: '25',
    });
    const m = await api().getMember('acme', 'wx:o6_a/b c');
    expect(m.id).toBe('wx:o6_a/b c');
    expect(last.url).toBe('/api/v1/tenants/acme/members/wx%3Ao6_a%2Fb%20c');
    const r = await api().retryDeadLetter('acme', 'acme:m1:welcome:1/hello#0');
    expect(r.key).toBe('acme:m1:welcome:1/hello#0');
  });

  it('asks for a diff against the draft', async () => {
    const d = await api().diff('acme', 'club', 2, 'draft');
    expect(d.from).toBe('2');
    expect(d.to).toBe('draft');
  });

  it('passes an Idempotency-Key when given', async () => {
    const r = await api().sendEvent('acme', { type: 'member.joined', member: 'm1' }, 'evt-1');
    expect(r).toEqual({ id: 'evt-1', status: 'accepted' });
    expect(last.idempotencyKey).toBe('evt-1');
  });

  it('reads Retry-After on 429', async () => {
    const e = await failure(
      api().startSimulation('acme', { playbook: 'club', members: 10, days: 1, seed: 1 }),
    );
    expect(e.status).toBe(429);
    expect(e.retryAfter).toBe(7);
  });

  it('reads text answers and public routes', async () => {
    await expect(api(null).metrics()).resolves.toContain('kith_events_total');
    await expect(api(null).health()).resolves.toEqual({ ok: true });
    expect(last.auth).toBeUndefined();
  });

  it('turns a non-API error page into a usable error', async () => {
    const e = await failure(api().request('GET', '/api/v1/proxy'));
    expect(e.status).toBe(502);
    expect(e.code).toBe('http-502');
    expect(e.detail).toContain('502');
  });

  it('refuses an HTML page where JSON was expected', async () => {
    const e = await failure(api().request('GET', '/api/v1/html'));
    expect(e.kind).toBe('unreadable');
    expect(e.detail).toContain('Kith server');
  });

  it('words an unreachable server for people', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await failure(new KithApi({ baseUrl: `http://127.0.0.1:${port}`, token: TOKEN }).me());
    expect(e.kind).toBe('network');
    expect(e.status).toBe(0);
    expect(e.message).toBe(
      `Cannot reach the Kith server at http://127.0.0.1:${port}. Check your connection and that the server is running, then try again.`,
    );
  });

  it('gives up on a silent server after the timeout', async () => {
    const e = await failure(
      new KithApi({ baseUrl: base, token: TOKEN, timeoutMs: 150 }).request('GET', '/api/v1/hang'),
    );
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('took too long');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const p = api().listMembers('acme', {}, controller.signal);
    controller.abort();
    const e = await failure(p);
    expect(e.kind).toBe('aborted');
  });

  it('says not found for a tenant the token cannot see', async () => {
    const e = await failure(api().getTenant('other'));
    expect(e.status).toBe(404);
    expect(e.detail).toBe('No tenant "other".');
  });
});
