import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describedRoutes } from '../src/openapi/registry.js';
import { sandboxPlaybook, type TestServer, testServer } from './helpers.js';

/** Hostile input never gets a 500 or a stack trace: every failure is a problem document. */
let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  await s.call('POST', '/api/v1/tenants/t1/playbooks', {
    token: s.tokens.editor,
    body: { id: 'welcome', source: sandboxPlaybook('welcome') },
  });
});
afterAll(async () => s.close());

const segment = fc.oneof(
  fc.constantFrom(
    't1',
    't2',
    'o1',
    'welcome',
    '1',
    'draft',
    '..',
    '.',
    '%2e%2e',
    '%00',
    '%ff',
    'a'.repeat(300),
    'SANDBOX_TOKEN',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 20 }).map((x) => encodeURIComponent(x)),
);
const headerValue = fc.string({ maxLength: 60 }).map((v) => v.replace(/[^\x20-\x7e]/g, ''));

function pathFor(template: string, values: string[]): string {
  let i = 0;
  return template.replace(/:[A-Za-z_]+/g, () => values[i++ % values.length] ?? 'x');
}

const bodyArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '{"id":',
    '[]',
    'null',
    '{"__proto__":{"admin":true}}',
    '{"source":1e999}',
    '{"events":[{}]}',
    '\u0000',
  ),
  fc
    .record({
      id: fc.string({ maxLength: 80 }),
      source: fc.string({ maxLength: 400 }),
      revision: fc.integer(),
      type: fc.string(),
      member: fc.string(),
    })
    .map((v) => JSON.stringify(v)),
);

describe('fuzzed requests', () => {
  it('never answer 500 or leak a stack', async () => {
    const routes = describedRoutes().filter(
      (r) => !r.stream && !r.path.endsWith('/live') && !/simulations/.test(r.path),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('admin', 'editor', 'viewer', 'none', 'junk'),
        fc.option(
          fc.constantFrom(
            'application/json',
            'text/plain',
            'application/json; charset=utf-8',
            'multipart/form-data',
            '',
          ),
          { nil: undefined },
        ),
        fc.option(bodyArb, { nil: undefined }),
        fc.dictionary(
          fc.constantFrom('x-request-id', 'idempotency-key', 'accept', 'x-forwarded-for', 'if-match'),
          headerValue,
          { maxKeys: 3 },
        ),
        fc.constantFrom('route', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        async (route, values, who, type, body, headers, methodChoice) => {
          const method = methodChoice === 'route' ? route.method : methodChoice;
          const token =
            who === 'none'
              ? undefined
              : who === 'junk'
                ? 'kith_junk'
                : s.tokens[who as 'admin' | 'editor' | 'viewer'];
          const h: Record<string, string> = { ...headers };
          if (type !== undefined) h['content-type'] = type;
          const res = await s.call(method, pathFor(route.path, values), {
            token,
            headers: h,
            body: method === 'GET' || method === 'DELETE' ? undefined : body,
          });
          const text = await res.text();
          expect(res.status, `${method} ${route.path} → ${text.slice(0, 300)}`).toBeLessThan(500);
          expect(text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('refuse bodies over the limit with 413', async () => {
    const big = JSON.stringify({ id: 'x', source: 'a'.repeat(1024 * 1024 + 10) });
    const res = await s.call('POST', '/api/v1/tenants/t1/playbooks', { token: s.tokens.editor, body: big });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('answer malformed JSON with 400 at the body root', async () => {
    const res = await s.call('POST', '/api/v1/tenants/t1/playbooks', {
      token: s.tokens.editor,
      body: '{"id": ',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ path: '/', message: 'is not valid JSON' }]);
  });
});
