import type { Faults, SandboxFailure } from './faults.js';
import { joinGroup, nextId, type SandboxAddress, type SandboxButton, type SandboxState } from './state.js';

/**
 * The sandbox's HTTP API, served in memory as a fetch handler so the plugin talks to it exactly
 * as a real plugin talks to its provider (requests, status codes, Retry-After):
 *
 *   POST   /messages                     { to, text, subject?, html?, image?, buttons? } → { id }
 *   POST   /invites                      { member?, group?, attribution }                → { code, url }
 *   POST   /groups                       { group, name, capacity?, members? }            → { id, url }
 *   POST   /groups/:id/members           { address }                       → 204 | 409 when full
 *   DELETE /groups/:id/members/:address                                    → 204
 *   POST   /groups/:id/mutes             { address, untilMs }              → 204
 *
 * Every call needs `authorization: Bearer <token>`.
 */
export interface ApiOptions {
  state: SandboxState;
  faults: Faults;
  token: string;
  inviteBaseUrl: string;
  /** The path of the configured base URL, stripped before routing. */
  basePath: string;
  now: () => number;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const empty = () => new Response(null, { status: 204 });

function failure(f: SandboxFailure): Response {
  if (f.kind === 'rate-limited') {
    return json(
      429,
      { error: 'too many requests' },
      { 'retry-after': String(Math.ceil(f.retryAfterMs / 1000)) },
    );
  }
  if (f.kind === 'auth') return json(401, { error: 'invalid token' });
  return json(503, { error: 'sandbox unavailable (injected)' });
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function buttons(v: unknown): SandboxButton[] {
  if (!Array.isArray(v)) return [];
  return v.map((b: Record<string, unknown>) => ({
    text: String(b.text ?? ''),
    value: str(b.value),
    url: str(b.url),
  }));
}

function address(v: unknown): SandboxAddress | null {
  const to = v as Record<string, unknown> | null;
  if (to?.kind === 'member' && typeof to.address === 'string') return { kind: 'member', address: to.address };
  if (to?.kind === 'group' && typeof to.group === 'string') return { kind: 'group', group: to.group };
  return null;
}

export function createApi(o: ApiOptions): (request: Request) => Promise<Response> {
  const { state, faults } = o;

  async function route(method: string, parts: string[], body: Record<string, unknown>): Promise<Response> {
    if (method === 'POST' && parts[0] === 'messages' && parts.length === 1) {
      const to = address(body.to);
      if (to === null)
        return json(400, { error: 'to must be { kind: member, address } or { kind: group, group }' });
      if (to.kind === 'group' && !state.groups.has(to.group))
        return json(404, { error: `no group ${to.group}` });
      const limited = faults.onSend(to.kind === 'group' ? `g:${to.group}` : `m:${to.address}`, o.now());
      if (limited !== null) return failure(limited);
      const id = nextId(state, 'msg');
      state.messages.push({
        id,
        at: o.now(),
        to,
        text: String(body.text ?? ''),
        subject: str(body.subject),
        html: str(body.html),
        image: str(body.image),
        buttons: buttons(body.buttons),
      });
      return json(200, { id });
    }
    if (method === 'POST' && parts[0] === 'invites' && parts.length === 1) {
      const code = nextId(state, 'inv');
      const url = `${o.inviteBaseUrl}?code=${encodeURIComponent(code)}`;
      const attribution = Object.fromEntries(
        Object.entries((body.attribution ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      );
      state.invites.set(code, { code, url, member: str(body.member), group: str(body.group), attribution });
      return json(200, { code, url });
    }
    if (parts[0] !== 'groups') return json(404, { error: 'no such endpoint' });
    if (method === 'POST' && parts.length === 1) {
      const id = String(body.group ?? nextId(state, 'grp'));
      const capacity = typeof body.capacity === 'number' ? body.capacity : null;
      const g = state.groups.get(id) ?? {
        id,
        name: String(body.name ?? id),
        capacity,
        members: [],
        muted: {},
      };
      state.groups.set(id, g);
      for (const a of Array.isArray(body.members) ? body.members : [])
        if (typeof a === 'string') joinGroup(g, a);
      return json(200, { id, url: `${o.inviteBaseUrl}?group=${encodeURIComponent(id)}` });
    }
    const group = state.groups.get(parts[1] ?? '');
    if (group === undefined) return json(404, { error: `no group ${parts[1]}` });
    if (method === 'POST' && parts[2] === 'members') {
      return joinGroup(group, String(body.address)) ? empty() : json(409, { error: 'group is full' });
    }
    if (method === 'DELETE' && parts[2] === 'members' && parts[3] !== undefined) {
      group.members = group.members.filter((m) => m !== parts[3]);
      return empty();
    }
    if (method === 'POST' && parts[2] === 'mutes') {
      group.muted[String(body.address)] = typeof body.untilMs === 'number' ? body.untilMs : null;
      return empty();
    }
    return json(404, { error: 'no such endpoint' });
  }

  return async function sandboxFetch(request: Request): Promise<Response> {
    if (request.headers.get('authorization') !== `Bearer ${o.token}`) return failure({ kind: 'auth' });
    const injected = faults.onCall();
    if (injected !== null) return failure(injected);
    const path = new URL(request.url).pathname;
    const parts = (path.startsWith(o.basePath) ? path.slice(o.basePath.length) : path)
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const text = request.method === 'GET' || request.method === 'DELETE' ? '' : await request.text();
    let body: Record<string, unknown> = {};
    if (text !== '') {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return json(400, { error: 'body is not JSON' });
      }
    }
    return route(request.method, parts, body);
  };
}
