import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One located problem in a request: `path` is a JSON pointer into the body, or `/query/<name>`, `/header/<name>`. */
export interface ProblemField {
  path: string;
  message: string;
  code?: string;
}

/**
 * A failure the caller can act on. Thrown anywhere under a route; `app.onError` renders it as an
 * RFC 9457 problem document with the same status, code and located errors.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: ProblemField[] | undefined;
  /** Extra response headers (Retry-After on 429, Allow on 405). */
  readonly headers: Record<string, string>;
  /** Extra members of the problem document (e.g. `diagnostics` on a refused publish). */
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
    detail: string,
    errors?: ProblemField[],
    options: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId?: string;
  errors?: ProblemField[];
  [extra: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://kith.dev/problems/';

/** The RFC 9457 document for a problem raised while answering `instance` (the request path). */
export function problemDocument(p: ProblemError, instance: string, requestId?: string): ProblemDocument {
  const doc: ProblemDocument = {
    ...p.extra,
    type: `${PROBLEM_TYPE_BASE}${p.code}`,
    title: TITLES[p.status] ?? 'Error',
    status: p.status,
    detail: p.detail,
    instance,
    code: p.code,
  };
  if (requestId !== undefined) doc.requestId = requestId;
  if (p.errors !== undefined && p.errors.length > 0) doc.errors = p.errors;
  return doc;
}

/** Writes a problem as the response (`application/problem+json`). */
export function problemResponse(c: Context, p: ProblemError): Response {
  const requestId = c.get('requestId') as string | undefined;
  const body = problemDocument(p, new URL(c.req.url).pathname, requestId);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...p.headers };
  return c.body(JSON.stringify(body), p.status as ContentfulStatusCode, headers);
}

/**
 * Turns whatever was thrown into a problem. Errors the code did not mean to show become a bare
 * 500 (with the request id, so support can find the logged stack) — never their message or stack.
 */
export function toProblem(error: unknown): { problem: ProblemError; unexpected: boolean } {
  if (error instanceof ProblemError) return { problem: error, unexpected: false };
  const status = httpStatusOf(error);
  if (status !== undefined) {
    if (status === 413) {
      return {
        problem: new ProblemError(413, 'body-too-large', 'The request body is too large.'),
        unexpected: false,
      };
    }
    if (status >= 400 && status < 500) {
      return {
        problem: new ProblemError(status, 'bad-request', 'The request could not be read.'),
        unexpected: false,
      };
    }
  }
  return {
    problem: new ProblemError(
      500,
      'internal',
      'Something went wrong on our side; quote the request id when you report it.',
    ),
    unexpected: true,
  };
}

/** Hono's HTTPException (thrown by its middleware) carries a status; read it without a class check across copies. */
function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}
