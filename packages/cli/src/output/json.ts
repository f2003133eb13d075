import type { Writer } from '../io.js';

/**
 * Writes one JSON document to a stream, for `--json`: pretty-printed, newline-terminated, with
 * `Map`s as objects, `Set`s as arrays and `bigint`s as strings so nothing throws or vanishes.
 * A command in `--json` mode must write nothing else on stdout.
 */
export function writeJson(stream: Writer, value: unknown): void {
  stream.write(`${toJson(value)}\n`);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, replacer, 2);
}

function replacer(_key: string, v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  if (typeof v === 'bigint') return v.toString();
  return v;
}
