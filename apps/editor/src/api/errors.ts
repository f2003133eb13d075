import type { Diagnostic } from './types.js';

/** One located problem in a request: `path` is a JSON pointer into the body, or `/query/<name>`. */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

/**
 * What went wrong, for choosing the words shown: the server answered with an error (`http`), it
 * could not be reached (`network`), it took too long (`timeout`), the caller gave up (`aborted`),
 * or it answered something that is not the API (`unreadable`, e.g. a proxy's HTML page).
 */
export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'aborted' | 'unreadable';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  status: number;
  code: string;
  title?: string;
  detail: string;
  errors?: FieldError[];
  requestId?: string;
  retryAfter?: number;
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A failed API call, parsed from an RFC 9457 problem document when the server sent one.
 * `message` is English for logs; the editor words errors itself from `kind`, `status` and `code`.
 */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status; 0 when no answer came. */
  readonly status: number;
  /** Stable kebab-case code from the server (`revision-conflict`, `not-found`), or one of ours. */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  /** The server's request id: quote it when reporting a 500. */
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again (429, 503). */
  readonly retryAfter: number | undefined;
  /** Members of the problem document beyond the standard ones (e.g. `diagnostics`). */
  readonly extra: Record<string, unknown>;

  constructor(init: ApiErrorInit) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.extra = init.extra ?? {};
  }

  /** Someone else changed it first (a stale revision, a delete refused while members are mid-journey). */
  get isConflict(): boolean {
    return this.status === 409;
  }

  /** The token is missing, unknown or revoked: the person must sign in again. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  /** Diagnostics sent with a refused publish or template (422). */
  get diagnostics(): Diagnostic[] {
    const d = this.extra.diagnostics;
    return Array.isArray(d) ? (d as Diagnostic[]) : [];
  }

  /** The message for one request field (JSON pointer), or for the fields under it. */
  fieldError(path: string): string | undefined {
    const exact = this.errors.find((e) => e.path === path);
    if (exact !== undefined) return exact.message;
    return this.errors.find((e) => e.path.startsWith(`${path}/`))?.message;
  }
}

const STANDARD = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors', 'requestId']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fieldErrors(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  const out: FieldError[] = [];
  for (const e of v) {
    if (!isRecord(e) || typeof e.message !== 'string') continue;
    const fe: FieldError = { path: typeof e.path === 'string' ? e.path : '', message: e.message };
    if (typeof e.code === 'string') fe.code = e.code;
    out.push(fe);
  }
  return out;
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date). */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const n = Number(header);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * An ApiError from an error answer. `body` is the parsed JSON when there was any: a problem
 * document gives code, detail and field errors; anything else still gives a usable error.
 */
export function errorFromResponse(
  status: number,
  statusText: string,
  body: unknown,
  headers: { get(name: string): string | null },
): ApiError {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  if (isRecord(body) && (typeof body.detail === 'string' || typeof body.code === 'string')) {
    const extra: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) if (!STANDARD.has(k)) extra[k] = v;
    const init: ApiErrorInit = {
      kind: 'http',
      status,
      code: typeof body.code === 'string' ? body.code : `http-${status}`,
      detail:
        typeof body.detail === 'string'
          ? body.detail
          : typeof body.title === 'string'
            ? body.title
            : statusText,
      errors: fieldErrors(body.errors),
      extra,
    };
    if (typeof body.title === 'string') init.title = body.title;
    if (typeof body.requestId === 'string') init.requestId = body.requestId;
    if (retryAfter !== undefined) init.retryAfter = retryAfter;
    return new ApiError(init);
  }
  const init: ApiErrorInit = {
    kind: 'http',
    status,
    code: `http-${status}`,
    detail: `The server answered ${status}${statusText ? ` ${statusText}` : ''}.`,
  };
  if (retryAfter !== undefined) init.retryAfter = retryAfter;
  return new ApiError(init);
}

/** An ApiError for a request that got no answer: worded for a person, not a stack trace. */
export function errorFromFailure(error: unknown, url: string, timedOut: boolean): ApiError {
  let origin = url;
  try {
    origin = new URL(url, 'http://localhost').origin;
  } catch {
    // keep the raw address: it is only shown to the person
  }
  if (timedOut) {
    return new ApiError({
      kind: 'timeout',
      status: 0,
      code: 'timeout',
      detail: `The Kith server at ${origin} took too long to answer. Try again in a moment.`,
      cause: error,
    });
  }
  if (isRecord(error) && error.name === 'AbortError') {
    return new ApiError({
      kind: 'aborted',
      status: 0,
      code: 'aborted',
      detail: 'The request was cancelled.',
      cause: error,
    });
  }
  return new ApiError({
    kind: 'network',
    status: 0,
    code: 'network',
    detail: `Cannot reach the Kith server at ${origin}. Check your connection and that the server is running, then try again.`,
    cause: error,
  });
}
