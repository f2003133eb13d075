// The API over real HTTP on @hono/node-server: headers are read from Node's parsed request and the
// request id is set on Node's response, so these paths differ from `app.fetch` and need their own checks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../src/obs/logger.js';
import { serve } from '../src/serve.js';

// with an editor served: its catch-all `GET /*` matches every GET and must not label them
const editor = mkdtempSync(join(tmpdir(), 'kith-http-editor-'));
mkdirSync(editor, { recursive: true });
writeFileSync(join(editor, 'index.html'), '<!doctype html><title>Kith editor</title>');
let server: Awaited<ReturnType<typeof serve>>;
let auth: Record<string, string>;
const logs: string[] = [];

beforeAll(async () => {
  server = await serve({
    port: 0,
    mode: 'memory',
    editorDir: editor,
    env: { KITH_SECRET_KEY: 'c'.repeat(64) },
    log: jsonLogger({ write: (l) => logs.push(l) }),
  });
  auth = { authorization: `Bearer ${server.seeded?.token}` };
}, 120_000);
afterAll(async () => {
  await server.close();
  rmSync(editor, { recursive: true, force: true });
});

const events = () => `${server.url}/api/v1/tenants/demo/events`;

describe('headers over HTTP', () => {
  it('echoes a sane X-Request-Id next to the route’s own headers, and makes one otherwise', async () => {
    const res = await fetch(`${server.url}/api/v1/me`, {
      headers: { ...auth, 'x-request-id': 'req-abcdefgh' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-abcdefgh');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const fresh = await fetch(`${server.url}/api/v1/me`, { headers: { ...auth, 'x-request-id': 'no good' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // the id in the log line is the one sent back
    const line = logs
      .map((l) => JSON.parse(l) as { requestId?: string; path?: string })
      .find((l) => l.requestId === 'req-abcdefgh');
    expect(line?.path).toBe('/api/v1/me');
  });

  it('keeps the request id on problems, with their own headers', async () => {
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { 'x-request-id': 'req-unauth-1' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('req-unauth-1');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('reads the token, content type and Idempotency-Key from the request', async () => {
    const body = JSON.stringify({ type: 'member.joined', member: 'http-1', data: { name: 'Ann' } });
    const headers = { ...auth, 'content-type': 'application/json', 'idempotency-key': 'join-http-1' };
    const first = await fetch(events(), { method: 'POST', headers, body });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ id: 'join-http-1', status: 'accepted' });
    const again = await fetch(events(), { method: 'POST', headers, body });
    expect(await again.json()).toEqual({ id: 'join-http-1', status: 'duplicate' });

    const wrongType = await fetch(events(), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/plain' },
      body,
    });
    expect(wrongType.status).toBe(415);
    const badKey = await fetch(events(), {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': 'k'.repeat(201) },
      body,
    });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe(
      '/header/idempotency-key',
    );
  });

  it('refuses a body over the limit from its Content-Length, and a chunked one while reading it', async () => {
    const big = JSON.stringify({
      type: 'message.received',
      member: 'http-1',
      data: { text: 'x'.repeat(1_100_000) },
    });
    const res = await fetch(events(), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await fetch(events(), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});

describe('metrics over HTTP', () => {
  it('label each request with the route it was for, not the editor’s catch-all', async () => {
    await fetch(`${server.url}/api/v1/tenants/demo/playbooks`, { headers: auth });
    await fetch(`${server.url}/api/v1/tenants/demo/members/nobody`, { headers: auth });
    await fetch(`${server.url}/api/v1/me`);
    await fetch(`${server.url}/some/editor/page`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const series = (route: string, status: number) =>
      new RegExp(
        `kith_http_requests_total\\{method="GET",route="${route.replace(/[/*]/g, '\\$&')}",status="${status}"\\} \\d+`,
      );
    expect(text).toMatch(series('/api/v1/tenants/:tenant/playbooks', 200));
    expect(text).toMatch(series('/api/v1/tenants/:tenant/members/:member', 404));
    // answered by the auth middleware: labelled with the route it was for
    expect(text).toMatch(series('/api/v1/me', 401));
    // the editor's pages are the catch-all's
    expect(text).toMatch(series('/*', 200));
  });
});
