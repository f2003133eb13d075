import { type ClientRequest, createServer, get, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { KithApi } from '../src/api/client.js';
import { type EventSourceLike, openStream, type StreamState } from '../src/api/sse.js';
import type { SimulationReport } from '../src/api/types.js';

type Listener = (event: MessageEvent | Event) => void;

/** A scripted EventSource: the test decides when it opens, fails and what it receives. */
class FakeSource implements EventSourceLike {
  static made: FakeSource[] = [];
  readyState = 0;
  closed = false;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSource.made.push(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  emit(type: string, data?: string): void {
    if (type === 'open') this.readyState = 1;
    for (const l of this.listeners.get(type) ?? []) l({ type, data } as MessageEvent);
  }

  fail(giveUp: boolean): void {
    this.readyState = giveUp ? 2 : 0;
    this.emit('error');
  }
}

afterEach(() => {
  FakeSource.made = [];
  vi.useRealTimers();
});

describe('openStream', () => {
  it('hands each named event its parsed JSON and reports malformed data', () => {
    const got: unknown[] = [];
    const malformed: string[] = [];
    openStream('/s', { counts: (d) => got.push(d) }, (u) => new FakeSource(u), {
      onMalformed: (event, data) => malformed.push(`${event}:${data}`),
    });
    const es = FakeSource.made[0]!;
    es.emit('open');
    es.emit('counts', '{"stages":[]}');
    es.emit('counts', 'not json');
    es.emit('other', '{}');
    expect(got).toEqual([{ stages: [] }]);
    expect(malformed).toEqual(['counts:not json']);
  });

  it('leaves retrying to the browser while it is still trying, and reopens once it gave up', () => {
    vi.useFakeTimers();
    const states: StreamState[] = [];
    const conn = openStream('/s', {}, (u) => new FakeSource(u), {
      retryMs: 1000,
      onState: (s) => states.push(s),
    });
    FakeSource.made[0]!.emit('open');
    FakeSource.made[0]!.fail(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeSource.made).toHaveLength(1);
    FakeSource.made[0]!.fail(true);
    expect(FakeSource.made[0]!.closed).toBe(true);
    vi.advanceTimersByTime(1300);
    expect(FakeSource.made).toHaveLength(2);
    FakeSource.made[1]!.emit('open');
    expect(conn.state).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('backs off exponentially up to the cap', () => {
    vi.useFakeTimers();
    openStream('/s', {}, (u) => new FakeSource(u), { retryMs: 1000, maxRetryMs: 4000 });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = FakeSource.made.length;
      FakeSource.made[before - 1]!.fail(true);
      let waited = 0;
      while (FakeSource.made.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      waits.push(waited);
    }
    // 1 s, 2 s, 4 s, 4 s, each within ±20 % jitter.
    expect(waits[0]).toBeGreaterThanOrEqual(800);
    expect(waits[0]).toBeLessThanOrEqual(1300);
    expect(waits[1]).toBeGreaterThanOrEqual(1600);
    expect(waits[1]).toBeLessThanOrEqual(2500);
    expect(waits[2]).toBeGreaterThanOrEqual(3200);
    expect(waits[3]).toBeLessThanOrEqual(4900);
  });

  it('stops for good on close: no reconnect, no more events', () => {
    vi.useFakeTimers();
    const got: unknown[] = [];
    const conn = openStream('/s', { counts: (d) => got.push(d) }, (u) => new FakeSource(u));
    const es = FakeSource.made[0]!;
    es.fail(true);
    conn.close();
    vi.advanceTimersByTime(120_000);
    expect(FakeSource.made).toHaveLength(1);
    es.emit('counts', '{}');
    expect(got).toEqual([]);
    expect(conn.state).toBe('closed');
  });
});

// ---------------------------------------------------------------- against a real server

/** Enough of EventSource over node:http for the tests: named events, open, error, close. */
class NodeEventSource implements EventSourceLike {
  readyState = 0;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly req: ClientRequest;

  constructor(url: string) {
    this.req = get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.resume();
        this.giveUp();
        return;
      }
      this.readyState = 1;
      this.dispatch('open', undefined);
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          this.dispatch(event, data.join('\n'));
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('end', () => this.giveUp());
    });
    this.req.on('error', () => this.giveUp());
  }

  private giveUp(): void {
    if (this.readyState === 2) return;
    this.readyState = 2;
    this.dispatch('error', undefined);
  }

  private dispatch(type: string, data: string | undefined): void {
    for (const l of this.listeners.get(type) ?? []) l({ type, data } as MessageEvent);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = 2;
    this.req.destroy();
  }
}

const TOKEN = 'kith test token';
let server: Server;
let base: string;
let requests: string[] = [];
let failFirst = 0;
const open = new Set<ServerResponse>();

const REPORT = { report: 'kith-simulation', version: 1 } as unknown as SimulationReport;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('access_token') !== TOKEN || req.headers.authorization !== undefined) {
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      res.end('{"code":"unauthorized","detail":"no token"}');
      return;
    }
    if (failFirst > 0) {
      failFirst--;
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end('{"code":"unavailable","detail":"restarting"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    open.add(res);
    res.on('close', () => open.delete(res));
    if (url.pathname.endsWith('/simulations/s1/events')) {
      res.write('event: progress\ndata: {"progress":0.5,"day":15}\n\n');
      res.write(`event: done\ndata: ${JSON.stringify({ report: REPORT })}\n\n`);
    } else if (url.pathname.endsWith('/simulations/s2/events')) {
      res.write('event: failed\ndata: {"error":"Playbook has errors"}\n\n');
    } else if (url.pathname.endsWith('/live')) {
      res.write(
        'event: counts\ndata: {"stages":[{"stage":"attract","reached":3,"current":2,"conversion":1}]}\n\n',
      );
      res.write('event: activity\ndata: {"at":1,"kind":"event","member":"m1","type":"member.joined"}\n\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of open) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function api(): KithApi {
  return new KithApi({ baseUrl: base, token: TOKEN, eventSource: (u) => new NodeEventSource(u) });
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('event streams through KithApi', () => {
  it('follows a simulation to its report with the token in the query, then closes', async () => {
    requests = [];
    const progress: unknown[] = [];
    let report: SimulationReport | null = null;
    const conn = api().simulationEvents('acme', 's1', {
      progress: (p) => progress.push(p),
      done: (r) => {
        report = r;
      },
      failed: () => {},
    });
    await until(() => report !== null);
    expect(progress).toEqual([{ progress: 0.5, day: 15 }]);
    expect(report).toEqual(REPORT);
    expect(conn.state).toBe('closed');
    expect(requests[0]).toBe('/api/v1/tenants/acme/simulations/s1/events?access_token=kith+test+token');
    await until(() => open.size === 0);
  });

  it('reports a failed simulation with the server reason', async () => {
    let reason: string | null = null;
    const conn = api().simulationEvents('acme', 's2', { done: () => {}, failed: (e) => (reason = e) });
    await until(() => reason !== null);
    expect(reason).toBe('Playbook has errors');
    expect(conn.state).toBe('closed');
  });

  it('reconnects after the server refused the stream, and delivers live counts and activity', async () => {
    requests = [];
    failFirst = 1;
    const counts: unknown[] = [];
    const activity: unknown[] = [];
    const states: StreamState[] = [];
    const conn = api().live(
      'acme',
      { counts: (c) => counts.push(c), activity: (a) => activity.push(a) },
      { retryMs: 20, onState: (s) => states.push(s) },
    );
    await until(() => activity.length === 1);
    expect(requests.length).toBe(2);
    expect(states.slice(0, 2)).toEqual(['reconnecting', 'open']);
    expect(counts).toEqual([{ stages: [{ stage: 'attract', reached: 3, current: 2, conversion: 1 }] }]);
    expect(activity).toEqual([{ at: 1, kind: 'event', member: 'm1', type: 'member.joined' }]);
    conn.close();
    await until(() => open.size === 0);
    expect(conn.state).toBe('closed');
  });
});
