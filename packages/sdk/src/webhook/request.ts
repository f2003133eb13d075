import type { WebhookRequest } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface WebhookRequestInit {
  method?: string;
  path?: string;
  headers?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
}

/** Builds a WebhookRequest with lower-cased header names (tests, fakes, adapters). */
export function webhookRequest(init: WebhookRequestInit = {}): WebhookRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  const body = init.body ?? new Uint8Array();
  return {
    method: (init.method ?? 'POST').toUpperCase(),
    path: init.path ?? '/',
    headers,
    query: { ...init.query },
    body: typeof body === 'string' ? encoder.encode(body) : body,
  };
}

/** A header by name, case-insensitively; undefined when absent. */
export function header(request: WebhookRequest, name: string): string | undefined {
  return request.headers[name.toLowerCase()];
}

export function bodyText(request: WebhookRequest): string {
  return decoder.decode(request.body);
}

/** The body as JSON, or undefined when it isn't (a malformed webhook is data, not a crash). */
export function bodyJson(request: WebhookRequest): unknown {
  try {
    return JSON.parse(bodyText(request));
  } catch {
    return undefined;
  }
}

/** Adapts a fetch `Request` (Hono's `c.req.raw`, a test) to a WebhookRequest. */
export async function fromFetchRequest(request: Request, pathPrefix = ''): Promise<WebhookRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const path = url.pathname.startsWith(pathPrefix)
    ? url.pathname.slice(pathPrefix.length) || '/'
    : url.pathname;
  return {
    method: request.method.toUpperCase(),
    path,
    headers,
    query: Object.fromEntries(url.searchParams),
    body: new Uint8Array(await request.arrayBuffer()),
  };
}
