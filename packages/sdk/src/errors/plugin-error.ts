/**
 * How a plugin says an operation failed, so the runtime knows what to do next without parsing
 * messages:
 * - `rate-limited`: the provider said "slow down"; retry after `retryAfterMs` (not a failure).
 * - `transient`: network trouble, a 5xx, a timeout; retry with backoff.
 * - `permanent`: the request can never succeed (bad recipient, message too long); dead-letter now.
 * - `auth`: the instance's configuration is wrong (revoked token); dead-letter and tell the operator.
 */
export type PluginErrorKind = 'rate-limited' | 'transient' | 'permanent' | 'auth';

export const PLUGIN_ERROR_KINDS: readonly PluginErrorKind[] = [
  'rate-limited',
  'transient',
  'permanent',
  'auth',
];

/** A PluginError as plain data: what crosses process boundaries, logs and the dead-letter list. */
export interface PluginErrorData {
  kind: PluginErrorKind;
  message: string;
  /** For `rate-limited`: how long the provider asked us to wait. */
  retryAfterMs: number | null;
  /** The provider's HTTP status, when there was one. */
  status: number | null;
  /** The provider's own error code (`45009`, `error_code: 429`), for operators. */
  code: string | null;
}

export interface PluginErrorOptions {
  retryAfterMs?: number | null;
  status?: number | null;
  code?: string | number | null;
  cause?: unknown;
}

/**
 * Thrown by plugin code; the host turns anything thrown into one with `toPluginError`, so the
 * runtime only ever sees these four kinds. Use the static factories.
 */
export class PluginError extends Error {
  override name = 'PluginError';
  readonly kind: PluginErrorKind;
  readonly retryAfterMs: number | null;
  readonly status: number | null;
  readonly code: string | null;

  constructor(kind: PluginErrorKind, message: string, options: PluginErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.status = options.status ?? null;
    this.code = options.code === undefined || options.code === null ? null : String(options.code);
  }

  /** The provider asked us to slow down; `retryAfterMs` is required because the runtime schedules by it. */
  static rateLimited(
    message: string,
    retryAfterMs: number,
    options: Omit<PluginErrorOptions, 'retryAfterMs'> = {},
  ) {
    return new PluginError('rate-limited', message, { ...options, retryAfterMs: Math.max(0, retryAfterMs) });
  }

  static transient(message: string, options: PluginErrorOptions = {}) {
    return new PluginError('transient', message, options);
  }

  static permanent(message: string, options: PluginErrorOptions = {}) {
    return new PluginError('permanent', message, options);
  }

  static auth(message: string, options: PluginErrorOptions = {}) {
    return new PluginError('auth', message, options);
  }

  toJSON(): PluginErrorData {
    return {
      kind: this.kind,
      message: this.message,
      retryAfterMs: this.retryAfterMs,
      status: this.status,
      code: this.code,
    };
  }
}

export function isPluginError(e: unknown): e is PluginError {
  return e instanceof PluginError;
}

/**
 * Anything a plugin threw, as a PluginError. A PluginError passes through; anything else (a
 * `TypeError: fetch failed`, a bug) counts as transient, because retrying a bug is cheap and
 * dead-lettering a network blip loses a message.
 */
export function toPluginError(e: unknown): PluginError {
  if (isPluginError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return PluginError.transient(message, { cause: e });
}
