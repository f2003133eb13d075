import { FORBIDDEN_NAMES, LIMITS } from './ast.js';

/**
 * Runtime helpers shared by the compiler and the functions. All of them are total: they return
 * `null` for anything they cannot handle instead of throwing.
 */

const hasOwn = Object.prototype.hasOwnProperty;
const OBJECT_PROTO = Object.prototype;

/** A plain data object: made by an object literal, JSON.parse or Object.create(null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === OBJECT_PROTO || proto === null;
}

/**
 * `obj.key` with the language's safety rules: own properties of plain objects and entries of
 * Maps only; never anything named `__proto__`, `constructor` or `prototype`; `null` when absent.
 */
export function getProperty(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object') return null;
  if (obj instanceof Map) {
    const v = obj.get(key);
    return v === undefined ? null : v;
  }
  const proto = Object.getPrototypeOf(obj);
  if (proto !== OBJECT_PROTO && proto !== null) return null;
  if (!hasOwn.call(obj, key) || FORBIDDEN_NAMES.has(key)) return null;
  const v = (obj as Record<string, unknown>)[key];
  return v === undefined ? null : v;
}

/** `obj[key]` for a computed key: list indexes, plain-object keys, Map keys. */
export function getIndex(obj: unknown, key: unknown): unknown {
  if (obj === null || typeof obj !== 'object') return null;
  if (Array.isArray(obj)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= obj.length) return null;
    const v = obj[key];
    return v === undefined ? null : v;
  }
  if (obj instanceof Map) {
    const v = obj.get(key);
    return v === undefined ? null : v;
  }
  if (typeof key === 'number' && Number.isInteger(key)) return getProperty(obj, String(key));
  return typeof key === 'string' ? getProperty(obj, key) : null;
}

/** Whether `obj` has `key` (the last step of `has(...)`). */
export function hasKey(obj: unknown, key: unknown): boolean {
  if (obj === null || typeof obj !== 'object') return false;
  if (Array.isArray(obj)) {
    return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < obj.length;
  }
  if (obj instanceof Map) return obj.has(key);
  if (!isPlainObject(obj)) return false;
  const k = typeof key === 'number' && Number.isInteger(key) ? String(key) : key;
  return typeof k === 'string' && !FORBIDDEN_NAMES.has(k) && hasOwn.call(obj, k);
}

/** A root variable of the scope (own properties only). */
export function getRoot(scope: unknown, name: string): unknown {
  if (scope === null || typeof scope !== 'object' || !hasOwn.call(scope, name)) return null;
  const v = (scope as Record<string, unknown>)[name];
  return v === undefined ? null : v;
}

/** JavaScript truthiness: `null`, `false`, `0`, `NaN` and `''` are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  return Boolean(value);
}

/** Structural equality for data: numbers, strings, booleans, null, lists, plain objects, Maps, Dates. */
export function deepEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true;
  if (a === undefined) return b === null;
  if (b === undefined) return a === null;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (depth > LIMITS.maxDepth) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k), depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!hasOwn.call(b, k) || !deepEqual(a[k], b[k], depth + 1)) return false;
  return true;
}

/** A finite number, or `null` (overflow, NaN). */
export function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Caps a produced string at `LIMITS.maxStringLength`. */
export function capString(s: string): string {
  return s.length > LIMITS.maxStringLength ? s.slice(0, LIMITS.maxStringLength) : s;
}

const ISO_DATE =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Epoch milliseconds from epoch ms, an ISO-8601 string or a Date; `null` otherwise. ISO strings
 * without an offset are read as UTC, so results never depend on the machine's time zone.
 */
export function toEpochMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return num(v.getTime());
  if (typeof v !== 'string') return null;
  const m = ISO_DATE.exec(v);
  if (!m) return null;
  let text = v.toUpperCase().replace(' ', 'T');
  const zone = m[1];
  if (text.length > 10 && zone === undefined) text += 'Z';
  else if (zone !== undefined && zone.length === 3) text += ':00';
  else if (zone !== undefined && zone.length === 5) text = `${text.slice(0, -2)}:${text.slice(-2)}`;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : null;
}
