/** The part of the browser's EventSource the stream helper uses (a test can pass its own). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent | Event) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamOptions {
  /** Called with each state change: show "reconnecting…" while the stream is down. */
  onState?: (state: StreamState) => void;
  /** An event whose data is not JSON; the stream goes on. */
  onMalformed?: (event: string, data: string) => void;
  /** First wait before reconnecting after the browser gave up; doubled each time. */
  retryMs?: number;
  /** The longest wait between attempts. */
  maxRetryMs?: number;
}

export interface StreamConnection {
  close(): void;
  readonly state: StreamState;
}

/** EventSource.CLOSED: the browser gave up (an HTTP error, a wrong content type) and will not retry. */
const CLOSED = 2;

/**
 * A server-sent event stream that stays up: named events are parsed as JSON and handed to their
 * handler. The browser retries a dropped connection itself; when it gives up for good (the server
 * answered an error, e.g. while restarting), this opens a new one with exponential backoff and a
 * little jitter, until `close()`.
 */
export function openStream(
  url: string,
  handlers: Record<string, (data: unknown) => void>,
  create: EventSourceFactory,
  options: StreamOptions = {},
): StreamConnection {
  const retryMs = options.retryMs ?? 1000;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  let source: EventSourceLike | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let state: StreamState = 'connecting';

  const setState = (next: StreamState): void => {
    if (state === next) return;
    state = next;
    options.onState?.(next);
  };

  const connect = (): void => {
    const es = create(url);
    source = es;
    es.addEventListener('open', () => {
      if (source !== es) return;
      attempt = 0;
      setState('open');
    });
    es.addEventListener('error', () => {
      if (source !== es || state === 'closed') return;
      if (es.readyState !== CLOSED) {
        setState('reconnecting');
        return;
      }
      es.close();
      source = null;
      setState('reconnecting');
      const wait = Math.min(maxRetryMs, retryMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt++;
      timer = setTimeout(() => {
        timer = null;
        if (state !== 'closed') connect();
      }, wait);
    });
    for (const [name, handle] of Object.entries(handlers)) {
      es.addEventListener(name, (event) => {
        if (source !== es || state === 'closed') return;
        const data = (event as MessageEvent).data;
        let parsed: unknown;
        try {
          parsed = JSON.parse(String(data));
        } catch {
          options.onMalformed?.(name, String(data));
          return;
        }
        handle(parsed);
      });
    }
  };

  connect();
  return {
    close(): void {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      source?.close();
      source = null;
      setState('closed');
    },
    get state(): StreamState {
      return state;
    },
  };
}
