import type { Fetch } from '@kith/sdk';
import type { ApiClientOptions } from 'grammy';

type GrammyFetch = NonNullable<ApiClientOptions['fetch']>;

/** The parts of grammY's request options a WHATWG fetch understands. */
interface GrammyInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: { aborted: boolean; addEventListener(type: 'abort', listener: () => void): void } | null;
}

/**
 * grammY (Node build) calls fetch the node-fetch way: an `abort-controller` polyfill signal and
 * node-fetch's `agent`/`compress` options. The plugin must use `ctx.fetch` (a WHATWG fetch, a test's
 * or the runtime's), which rejects a foreign signal, so this bridges the signal to a native one
 * and drops what only node-fetch knows. grammY only reads `res.json()` from the answer.
 */
export function grammyFetch(fetch: Fetch): GrammyFetch {
  const adapted = async (url: unknown, init: GrammyInit = {}): Promise<Response> => {
    const controller = new AbortController();
    const signal = init.signal;
    if (signal) {
      if (signal.aborted) controller.abort();
      else signal.addEventListener('abort', () => controller.abort());
    }
    return fetch(String(url), {
      method: init.method ?? 'POST',
      headers: init.headers,
      // grammY sends JSON as a string; file uploads (which this plugin never makes) would be streams.
      body: init.body as RequestInit['body'],
      signal: controller.signal,
    });
  };
  // The node-fetch Response type grammY declares is structurally what it reads from ours (json()).
  return adapted as unknown as GrammyFetch;
}
