import { ApiError, errorFromFailure, errorFromResponse } from './errors.js';
import { type EventSourceFactory, openStream, type StreamConnection, type StreamOptions } from './sse.js';
import type {
  CreatedToken,
  CreatePlaybook,
  Diff,
  EventAccepted,
  EventInput,
  FunnelReport,
  InstanceQuery,
  Items,
  JourneyInstanceSummary,
  JsonSchema,
  LedgerReport,
  LiveHandlers,
  Me,
  MemberProfile,
  MemberQuery,
  MemberSummary,
  OutboxEntry,
  Page,
  Playbook,
  PlaybookSummary,
  PluginEntry,
  PublishPreview,
  PublishResult,
  RetryResult,
  Role,
  RollbackResult,
  RolloutItem,
  RolloutPreviewItem,
  SecretSummary,
  SimulationHandlers,
  SimulationRequest,
  SimulationStatus,
  Template,
  Tenant,
  TimelineItem,
  TokenSummary,
  ValidateResult,
  VersionRef,
  VersionSource,
  VersionSummary,
} from './types.js';

export { ApiError } from './errors.js';

export interface KithApiOptions {
  /** Where the server is; '' (the default) is the page's own origin, as when `kith serve` serves the editor. */
  baseUrl?: string;
  /** The bearer token, or a function read at each call (so a sign-in updates every panel). */
  token?: string | null | (() => string | null);
  fetch?: typeof fetch;
  /** Give up on an answer after this long (default 30 s). */
  timeoutMs?: number;
  /** How to open an event stream; defaults to the browser's EventSource. */
  eventSource?: EventSourceFactory;
}

type Query = Record<string, string | number | undefined | null>;

interface Call {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The answer is text, not JSON (metrics). */
  text?: boolean;
}

const seg = encodeURIComponent;

function withQuery(path: string, query: Query | undefined): string {
  if (query === undefined) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s === '' ? path : `${path}?${s}`;
}

function defaultEventSource(url: string): InstanceType<typeof EventSource> {
  if (typeof EventSource === 'undefined') {
    throw new Error('This environment has no EventSource: pass `eventSource` to KithApi.');
  }
  return new EventSource(url);
}

/**
 * A typed client for the Kith HTTP API (packages/server/ROUTES.md). Every method resolves with the
 * answer's JSON or rejects with an ApiError (problem details parsed; 409 as `isConflict`; no answer
 * worded for a person).
 */
export class KithApi {
  readonly baseUrl: string;
  private token: string | null | (() => string | null);
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly eventSource: EventSourceFactory;

  constructor(options: KithApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.eventSource = options.eventSource ?? defaultEventSource;
  }

  setToken(token: string | null | (() => string | null)): void {
    this.token = token;
  }

  private currentToken(): string | null {
    return typeof this.token === 'function' ? this.token() : this.token;
  }

  url(path: string, query?: Query): string {
    return `${this.baseUrl}${withQuery(path, query)}`;
  }

  /** One call: JSON in, JSON (or nothing on 204) out, ApiError on anything else. */
  async request<T>(method: string, path: string, call: Call = {}): Promise<T> {
    const url = this.url(path, call.query);
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      ...call.headers,
    };
    const token = this.currentToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers };
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(call.body);
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    if (call.signal?.aborted) controller.abort();
    init.signal = controller.signal;
    try {
      let res: Response;
      try {
        res = await this.fetchImpl(url, init);
      } catch (error) {
        throw errorFromFailure(error, url, timedOut);
      }
      let raw: string;
      try {
        raw = await res.text();
      } catch (error) {
        throw errorFromFailure(error, url, timedOut);
      }
      const type = res.headers.get('content-type') ?? '';
      let body: unknown;
      if (raw !== '' && type.includes('json')) {
        try {
          body = JSON.parse(raw);
        } catch (cause) {
          if (res.ok) {
            throw new ApiError({
              kind: 'unreadable',
              status: res.status,
              code: 'unreadable',
              detail:
                'The server sent an answer the editor cannot read. Reload the page; if it persists, check the server version.',
              cause,
            });
          }
        }
      }
      if (!res.ok) throw errorFromResponse(res.status, res.statusText, body, res.headers);
      if (res.status === 204 || raw === '') return undefined as T;
      if (call.text) return raw as T;
      if (body === undefined) {
        throw new ApiError({
          kind: 'unreadable',
          status: res.status,
          code: 'unreadable',
          detail: `Expected JSON from ${path} but got ${type || 'no content type'}: is this address a Kith server?`,
        });
      }
      return body as T;
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** An event stream with the token in the query: EventSource cannot send headers. */
  stream(
    path: string,
    handlers: Record<string, (data: unknown) => void>,
    options?: StreamOptions,
  ): StreamConnection {
    const token = this.currentToken();
    return openStream(this.url(path, { access_token: token }), handlers, this.eventSource, options);
  }

  // ------------------------------------------------------------ service

  health(): Promise<{ ok: boolean }> {
    return this.request('GET', '/healthz');
  }

  ready(): Promise<{ ok: boolean }> {
    return this.request('GET', '/readyz');
  }

  metrics(): Promise<string> {
    return this.request('GET', '/metrics', { text: true });
  }

  openapi(): Promise<Record<string, unknown>> {
    return this.request('GET', '/openapi.json');
  }

  /** The API reference page (HTML), for a link. */
  docsUrl(): string {
    return this.url('/docs');
  }

  /** bull-board, in distributed mode, for a link. */
  queuesUrl(): string {
    return this.url('/admin/queues');
  }

  // ------------------------------------------------------------ tokens and tenants

  me(): Promise<Me> {
    return this.request('GET', '/api/v1/me');
  }

  listTenants(): Promise<Items<Tenant>> {
    return this.request('GET', '/api/v1/tenants');
  }

  createTenant(body: { id: string; name: string }): Promise<Tenant> {
    return this.request('POST', '/api/v1/tenants', { body });
  }

  getTenant(tenant: string): Promise<Tenant> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}`);
  }

  listTokens(tenant: string): Promise<Items<TokenSummary>> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/tokens`);
  }

  createToken(
    tenant: string,
    body: { name: string; role: Exclude<Role, 'agency-admin'> },
  ): Promise<CreatedToken> {
    return this.request('POST', `/api/v1/tenants/${seg(tenant)}/tokens`, { body });
  }

  deleteToken(tenant: string, id: string): Promise<void> {
    return this.request('DELETE', `/api/v1/tenants/${seg(tenant)}/tokens/${seg(id)}`);
  }

  // ------------------------------------------------------------ language

  validate(body: { source: string; filename?: string }): Promise<ValidateResult> {
    return this.request('POST', '/api/v1/validate', { body });
  }

  listPlugins(): Promise<Items<PluginEntry>> {
    return this.request('GET', '/api/v1/plugins');
  }

  playbookSchema(): Promise<JsonSchema> {
    return this.request('GET', '/api/v1/schema/playbook');
  }

  // ------------------------------------------------------------ templates

  listTemplates(): Promise<Items<Template>> {
    return this.request('GET', '/api/v1/templates');
  }

  getTemplate(template: string): Promise<Template> {
    return this.request('GET', `/api/v1/templates/${seg(template)}`);
  }

  putTemplate(template: string, source: string): Promise<Template> {
    return this.request('PUT', `/api/v1/templates/${seg(template)}`, { body: { source } });
  }

  rolloutPreview(template: string, tenants?: string[]): Promise<Items<RolloutPreviewItem>> {
    const body = tenants === undefined ? {} : { tenants };
    return this.request('POST', `/api/v1/templates/${seg(template)}/rollout/preview`, { body });
  }

  rollout(template: string, tenants: string[]): Promise<Items<RolloutItem>> {
    return this.request('POST', `/api/v1/templates/${seg(template)}/rollout`, { body: { tenants } });
  }

  // ------------------------------------------------------------ playbooks

  private pb(tenant: string, playbook?: string): string {
    const base = `/api/v1/tenants/${seg(tenant)}/playbooks`;
    return playbook === undefined ? base : `${base}/${seg(playbook)}`;
  }

  listPlaybooks(tenant: string): Promise<Items<PlaybookSummary>> {
    return this.request('GET', this.pb(tenant));
  }

  /** From YAML (`{ id, source }`) or from a template (`{ id, template, params }`). */
  createPlaybook(tenant: string, body: CreatePlaybook): Promise<Playbook> {
    return this.request('POST', this.pb(tenant), { body });
  }

  getPlaybook(tenant: string, playbook: string): Promise<Playbook> {
    return this.request('GET', this.pb(tenant, playbook));
  }

  /** Saves the draft; rejects with `isConflict` when someone saved since `revision`. */
  savePlaybook(
    tenant: string,
    playbook: string,
    body: { source: string; revision: number },
  ): Promise<Playbook> {
    return this.request('PUT', this.pb(tenant, playbook), { body });
  }

  deletePlaybook(tenant: string, playbook: string): Promise<void> {
    return this.request('DELETE', this.pb(tenant, playbook));
  }

  publishPreview(tenant: string, playbook: string): Promise<PublishPreview> {
    return this.request('POST', `${this.pb(tenant, playbook)}/publish/preview`, { body: {} });
  }

  publish(tenant: string, playbook: string, revision: number): Promise<PublishResult> {
    return this.request('POST', `${this.pb(tenant, playbook)}/publish`, { body: { revision } });
  }

  listVersions(tenant: string, playbook: string): Promise<Items<VersionSummary>> {
    return this.request('GET', `${this.pb(tenant, playbook)}/versions`);
  }

  getVersion(tenant: string, playbook: string, version: number): Promise<VersionSource> {
    return this.request('GET', `${this.pb(tenant, playbook)}/versions/${seg(String(version))}`);
  }

  rollback(tenant: string, playbook: string, version: number): Promise<RollbackResult> {
    return this.request('POST', `${this.pb(tenant, playbook)}/rollback`, { body: { version } });
  }

  diff(tenant: string, playbook: string, from: VersionRef, to: VersionRef): Promise<Diff> {
    return this.request('GET', `${this.pb(tenant, playbook)}/diff`, { query: { from, to } });
  }

  // ------------------------------------------------------------ secrets

  listSecrets(tenant: string): Promise<Items<SecretSummary>> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/secrets`);
  }

  putSecret(tenant: string, name: string, value: string): Promise<void> {
    return this.request('PUT', `/api/v1/tenants/${seg(tenant)}/secrets/${seg(name)}`, { body: { value } });
  }

  deleteSecret(tenant: string, name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/tenants/${seg(tenant)}/secrets/${seg(name)}`);
  }

  // ------------------------------------------------------------ events

  sendEvent(tenant: string, event: EventInput, idempotencyKey?: string): Promise<EventAccepted> {
    const headers = idempotencyKey === undefined ? undefined : { 'idempotency-key': idempotencyKey };
    return this.request('POST', `/api/v1/tenants/${seg(tenant)}/events`, {
      body: event,
      ...(headers === undefined ? {} : { headers }),
    });
  }

  sendEvents(tenant: string, events: EventInput[]): Promise<Items<EventAccepted>> {
    return this.request('POST', `/api/v1/tenants/${seg(tenant)}/events/batch`, { body: { events } });
  }

  // ------------------------------------------------------------ members and runs

  listMembers(tenant: string, query: MemberQuery = {}, signal?: AbortSignal): Promise<Page<MemberSummary>> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/members`, {
      query: { ...query },
      ...(signal === undefined ? {} : { signal }),
    });
  }

  getMember(tenant: string, member: string): Promise<MemberProfile> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/members/${seg(member)}`);
  }

  memberTimeline(tenant: string, member: string): Promise<Items<TimelineItem>> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/members/${seg(member)}/timeline`);
  }

  listInstances(tenant: string, query: InstanceQuery = {}): Promise<Page<JourneyInstanceSummary>> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/instances`, { query: { ...query } });
  }

  deadLetters(tenant: string): Promise<Items<OutboxEntry>> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/dead-letters`);
  }

  retryDeadLetter(tenant: string, key: string): Promise<RetryResult> {
    return this.request('POST', `/api/v1/tenants/${seg(tenant)}/dead-letters/${seg(key)}/retry`, {
      body: {},
    });
  }

  // ------------------------------------------------------------ analytics

  ledger(tenant: string, range: { from?: string; to?: string } = {}): Promise<LedgerReport> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/ledger`, { query: range });
  }

  funnel(tenant: string): Promise<FunnelReport> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/funnel`);
  }

  /** Live counts and activity; call `close()` when the view goes away. */
  live(tenant: string, handlers: LiveHandlers, options?: StreamOptions): StreamConnection {
    const map: Record<string, (data: unknown) => void> = {};
    if (handlers.counts) map.counts = handlers.counts as (data: unknown) => void;
    if (handlers.activity) map.activity = handlers.activity as (data: unknown) => void;
    return this.stream(`/api/v1/tenants/${seg(tenant)}/live`, map, options);
  }

  // ------------------------------------------------------------ simulation

  startSimulation(tenant: string, body: SimulationRequest): Promise<{ id: string }> {
    return this.request('POST', `/api/v1/tenants/${seg(tenant)}/simulations`, { body });
  }

  getSimulation(tenant: string, id: string): Promise<SimulationStatus> {
    return this.request('GET', `/api/v1/tenants/${seg(tenant)}/simulations/${seg(id)}`);
  }

  /** Progress then the report; the stream closes itself after `done` or `failed`. */
  simulationEvents(
    tenant: string,
    id: string,
    handlers: SimulationHandlers,
    options?: StreamOptions,
  ): StreamConnection {
    let conn: StreamConnection | null = null;
    let finished = false;
    const finish = (): void => {
      finished = true;
      conn?.close();
    };
    conn = this.stream(
      `/api/v1/tenants/${seg(tenant)}/simulations/${seg(id)}/events`,
      {
        progress: (d) => handlers.progress?.(d as Parameters<NonNullable<SimulationHandlers['progress']>>[0]),
        done: (d) => {
          finish();
          handlers.done((d as { report: Parameters<SimulationHandlers['done']>[0] }).report);
        },
        failed: (d) => {
          finish();
          const error = (d as { error?: unknown }).error;
          handlers.failed(typeof error === 'string' ? error : '');
        },
      },
      options,
    );
    if (finished) conn.close();
    return conn;
  }
}
