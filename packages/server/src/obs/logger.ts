import type { Logger, LogLevel } from '../contract.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never written, at any depth (`tokenId` is not a secret: it stays). */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|token|access[-_]?token|refresh[-_]?token|password|passwd|api[-_]?key|private[-_]?key|credentials?|value)$|secret/i;
/** Token-shaped text inside strings (our tokens, bearer headers, access_token in URLs). */
const SECRET_TEXT = [/kith_[A-Za-z0-9_-]{16,}/g, /Bearer\s+[^\s"',]+/gi, /(access_token=)[^&\s"']+/gi];

export const REDACTED = '[redacted]';

/**
 * Scrubs log fields: secret-looking keys, token-shaped text, and every value registered with
 * `remember` (tenant secrets as they are written or read for delivery), wherever they appear.
 */
export class Redactor {
  private readonly known = new Set<string>();

  /** Registers a secret value; short values (under 4 chars) would redact ordinary words, so they are skipped. */
  remember(value: string): void {
    if (value.length >= 4) this.known.add(value);
  }

  text(s: string): string {
    let out = s;
    for (const re of SECRET_TEXT)
      out = out.replace(re, (_m, prefix?: string) =>
        typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED,
      );
    for (const v of this.known) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  value(v: unknown, depth = 0): unknown {
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth > 6) return '[deep]';
    if (v instanceof Error)
      return { name: v.name, message: this.text(v.message), stack: v.stack && this.text(v.stack) };
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) ? REDACTED : this.value(x, depth + 1);
    return out;
  }
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
  redactor?: Redactor;
  now?: () => number;
}

/** One JSON object per line: `{ time, level, msg, ...fields }`, every field redacted. */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger & { redactor: Redactor } {
  const min = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const redactor = options.redactor ?? new Redactor();
  const now = options.now ?? Date.now;
  return {
    redactor,
    log(level, msg, fields = {}) {
      if (ORDER[level] < min) return;
      const safe = redactor.value(fields) as Record<string, unknown>;
      write(JSON.stringify({ time: new Date(now()).toISOString(), level, msg: redactor.text(msg), ...safe }));
    },
  };
}
