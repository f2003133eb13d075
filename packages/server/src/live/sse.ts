import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** Where a stream's producer writes; `close` ends the stream after what is queued is written. */
export interface SseSink {
  /** `droppable` lines are skipped while the client is too far behind (they are only a feed). */
  send(event: string, data: unknown, droppable?: boolean): void;
  close(): void;
}

export interface SseOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Lines waiting for a slow client before droppable ones are skipped. */
  maxQueued?: number;
}

/**
 * A server-sent event stream with the bookkeeping every stream needs: writes in order, heartbeats,
 * back-pressure (a slow client loses feed lines, not the server's memory), and one cleanup when
 * the client goes away or the producer closes. `start` returns its own cleanup.
 */
export function openSse(
  c: Context,
  options: SseOptions,
  start: (sink: SseSink) => (() => void) | undefined,
): Response {
  const maxQueued = options.maxQueued ?? 1000;
  return streamSSE(c, async (stream) => {
    let queued = 0;
    let chain: Promise<unknown> = Promise.resolve();
    let closed = false;
    let finish: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const close = () => {
      if (closed) return;
      closed = true;
      finish();
    };
    stream.onAbort(close);
    c.req.raw.signal.addEventListener('abort', close);
    const enqueue = (write: () => Promise<unknown>) => {
      queued++;
      chain = chain.then(write).finally(() => {
        queued--;
      });
    };
    const sink: SseSink = {
      send(event, data, droppable = false) {
        if (closed || (droppable && queued >= maxQueued)) return;
        enqueue(() => stream.writeSSE({ event, data: JSON.stringify(data) }));
      },
      close,
    };
    enqueue(() => stream.write('retry: 3000\n\n'));
    const cleanup = start(sink);
    const beat = setInterval(() => {
      if (!closed && queued === 0) enqueue(() => stream.write(': keep-alive\n\n'));
    }, options.heartbeatMs);
    await ended;
    clearInterval(beat);
    cleanup?.();
    c.req.raw.signal.removeEventListener('abort', close);
    await chain;
  });
}
