import type { LogFields, Logger, LogLevel, LogSink } from './types.js';

const REDACTED = '[redacted]';
/** Field names that hold credentials whatever the plugin says (a header dump, a raw request). */
const SECRET_KEY = /(token|secret|password|passwd|authorization|api[-_]?key|private[-_]?key|signature)/i;
/** Shorter values would redact ordinary words ("on", "1"); a real credential is longer. */
const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of each secret in a string. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value instanceof Error) return scrub(value.message, secrets);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SECRET_KEY.test(k) && v !== null && v !== undefined ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}

/** Redacts secret values from a message and its fields; exported for hosts that log on their own. */
export function redact(
  message: string,
  fields: LogFields,
  secrets: readonly string[],
): { message: string; fields: LogFields } {
  const list = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  return { message: scrub(message, list), fields: redactValue(fields, list, 0) as LogFields };
}

/**
 * A logger for one plugin instance that never lets a secret through: the config's secret values
 * are replaced wherever they appear, and fields named like credentials are dropped.
 */
export function createLogger(options: {
  plugin: string;
  instance: string;
  secrets: readonly string[];
  sink: LogSink;
}): Logger {
  const { plugin, instance, secrets, sink } = options;
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      const r = redact(message, fields, secrets);
      sink({ level, message: r.message, fields: r.fields, plugin, instance });
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A sink that drops everything (tests that don't look at logs). */
export const silentSink: LogSink = () => {};
