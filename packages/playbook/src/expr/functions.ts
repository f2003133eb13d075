import { type Expr, LIMITS, type Scope } from './ast.js';
import { capString, deepEqual, getRoot, isPlainObject, num, toEpochMs } from './values.js';

/**
 * The whitelist of functions. Nothing else can be called. Each entry says how it may be called
 * (`f(x)` and/or the method form `x.f()`, which means `f(x)`), its arity, an optional check of
 * literal arguments at parse time, and its implementation (total: `null` instead of throwing).
 */

/** Per-call-site state, e.g. the compiled regular expression of a `matches` call. */
export interface CallSite {
  pattern?: string;
  regex?: RegExp | null;
}

export interface FunctionDef {
  signature: string;
  description: string;
  /** Callable as `name(...)`. */
  global: boolean;
  /** Callable as `x.name(...)` (x becomes the first argument). */
  method: boolean;
  /** Arity including the method target. */
  minArgs: number;
  maxArgs: number;
  /** Parse-time check of the arguments (e.g. a literal regex); returns a message and the node at fault. */
  check?: (args: Expr[]) => { message: string; node: Expr } | null;
  call: (args: unknown[], scope: Scope, site: CallSite) => unknown;
}

const MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const DURATION = /^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)\s*([smhdw])/g;

/** Milliseconds in a duration such as `7d`, `90m` or `1d12h`; `null` when malformed. */
export function parseDuration(text: string): number | null {
  if (text.length > 100 || !DURATION.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(DURATION_PART)) total += Number(m[1]) * MS[m[2] as keyof typeof MS];
  return num(total);
}

/**
 * Rejects patterns that are too long or have a quantified group containing a quantifier
 * (`(a+)+`, `(x*y)*`), the usual source of catastrophic backtracking. Returns a message or null.
 */
export function checkPattern(pattern: string): string | null {
  if (pattern.length > LIMITS.maxPatternLength) {
    return `regular expression is too long (${pattern.length} characters; the limit is ${LIMITS.maxPatternLength})`;
  }
  const stack: boolean[] = [];
  let sawQuantifier = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      stack.push(sawQuantifier);
      sawQuantifier = false;
    } else if (c === ')') {
      const inner: boolean = sawQuantifier;
      sawQuantifier = (stack.pop() ?? false) || inner;
      const next = pattern[i + 1];
      if (inner && (next === '*' || next === '+' || next === '{')) {
        return 'regular expression has a repeated group that itself repeats (like (a+)+), which can be extremely slow; simplify it';
      }
    } else if (c === '*' || c === '+' || c === '{' || c === '?') {
      if (c !== '?' || pattern[i - 1] !== '(') sawQuantifier = true;
    }
  }
  return null;
}

/** `(?i)` at the start of a pattern means case-insensitive (as in RE2/CEL). */
export function compilePattern(pattern: string): RegExp | null {
  if (checkPattern(pattern) !== null) return null;
  let flags = '';
  let body = pattern;
  if (body.startsWith('(?i)')) {
    flags = 'i';
    body = body.slice(4);
  }
  try {
    return new RegExp(body, flags);
  } catch {
    return null;
  }
}

function patternError(pattern: string): string | null {
  const problem = checkPattern(pattern);
  if (problem) return problem;
  return compilePattern(pattern) === null ? `invalid regular expression '${pattern}'` : null;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function timeFormatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      f = null;
    }
    if (formatters.size > 1000) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** `hh:mm` of an instant in a time zone; `null` for an unknown zone. */
export function formatTimeOfDay(epochMs: number, timeZone: string): string | null {
  const f = timeFormatter(timeZone);
  if (!f) return null;
  let hour = '00';
  let minute = '00';
  for (const part of f.formatToParts(epochMs)) {
    if (part.type === 'hour') hour = part.value === '24' ? '00' : part.value.padStart(2, '0');
    else if (part.type === 'minute') minute = part.value.padStart(2, '0');
  }
  return `${hour}:${minute}`;
}

function literalString(e: Expr | undefined): string | undefined {
  return e?.type === 'literal' && typeof e.value === 'string' ? e.value : undefined;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function number(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
    else {
      n++;
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return n;
}

function since(unit: number) {
  return (args: unknown[], scope: Scope): unknown => {
    const t = toEpochMs(args[0]);
    const now = toEpochMs(getRoot(scope, 'now'));
    if (t === null || now === null) return null;
    return Math.floor((now - t) / unit) + 0;
  };
}

function minMax(pick: (a: number, b: number) => number) {
  return (args: unknown[]): unknown => {
    const values = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    if (values.length === 0) return null;
    let best: number | null = null;
    for (const v of values) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return null;
      best = best === null ? v : pick(best, v);
    }
    return best;
  };
}

function math(f: (x: number) => number) {
  return (args: unknown[]): unknown => {
    const x = number(args[0]);
    return x === null ? null : num(f(x));
  };
}

const INT = /^\s*[+-]?\d+(?:\.\d+)?\s*$/;

export const FUNCTION_DEFS: Readonly<Record<string, FunctionDef>> = {
  size: {
    signature: 'size(x: string | list | map) -> int',
    description:
      'Number of characters in a string, items in a list or keys in a map; null for anything else.',
    global: true,
    method: true,
    minArgs: 1,
    maxArgs: 1,
    call: ([x]) => {
      if (typeof x === 'string') return codePointLength(x);
      if (Array.isArray(x)) return x.length;
      if (x instanceof Map) return x.size;
      if (isPlainObject(x)) return Object.keys(x).length;
      return null;
    },
  },
  has: {
    signature: 'has(path) -> bool',
    description:
      'True if the field path exists, e.g. has(member.attributes.dueDate), even when its value is null. The argument must be a field path, not a computed value.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    check: ([arg]) => {
      let e = arg;
      while (e && (e.type === 'member' || e.type === 'index')) e = e.object;
      return e && e.type === 'ident'
        ? null
        : { message: 'has() expects a field path, like has(member.attributes.dueDate)', node: arg! };
    },
    // implemented by the compiler: it needs the path, not the value
    call: () => null,
  },
  contains: {
    signature: 'contains(s: string, part: string) -> bool | contains(l: list, item) -> bool',
    description:
      "Substring test on strings, membership test on lists. Usually written as a method: member.tags.contains('vip').",
    global: true,
    method: true,
    minArgs: 2,
    maxArgs: 2,
    call: ([a, b]) => {
      if (typeof a === 'string') return typeof b === 'string' ? a.includes(b) : null;
      if (Array.isArray(a)) return a.some((x) => deepEqual(x, b));
      return null;
    },
  },
  startsWith: {
    signature: 'startsWith(s: string, prefix: string) -> bool',
    description:
      "True if the string starts with the prefix. Usually written as a method: member.phone.startsWith('+86').",
    global: true,
    method: true,
    minArgs: 2,
    maxArgs: 2,
    call: ([a, b]) => (typeof a === 'string' && typeof b === 'string' ? a.startsWith(b) : null),
  },
  endsWith: {
    signature: 'endsWith(s: string, suffix: string) -> bool',
    description:
      "True if the string ends with the suffix. Usually written as a method: member.email.endsWith('.edu').",
    global: true,
    method: true,
    minArgs: 2,
    maxArgs: 2,
    call: ([a, b]) => (typeof a === 'string' && typeof b === 'string' ? a.endsWith(b) : null),
  },
  matches: {
    signature: 'matches(s: string, pattern: string) -> bool',
    description: `True if the regular expression (JavaScript syntax, at most ${LIMITS.maxPatternLength} characters) matches anywhere in the string; start it with (?i) to ignore case. Patterns with nested repetition like (a+)+ are refused.`,
    global: true,
    method: true,
    minArgs: 2,
    maxArgs: 2,
    check: ([, pattern]) => {
      const p = literalString(pattern);
      const problem = p === undefined ? null : patternError(p);
      return problem ? { message: problem, node: pattern! } : null;
    },
    call: ([s, pattern], _scope, site) => {
      if (typeof s !== 'string' || typeof pattern !== 'string') return null;
      if (site.pattern !== pattern) {
        site.pattern = pattern;
        site.regex = compilePattern(pattern);
      }
      return site.regex ? site.regex.test(s) : null;
    },
  },
  lower: {
    signature: 'lower(s: string) -> string',
    description: 'The string in lower case.',
    global: true,
    method: true,
    minArgs: 1,
    maxArgs: 1,
    call: ([s]) => (typeof s === 'string' ? capString(s.toLowerCase()) : null),
  },
  upper: {
    signature: 'upper(s: string) -> string',
    description: 'The string in upper case.',
    global: true,
    method: true,
    minArgs: 1,
    maxArgs: 1,
    call: ([s]) => (typeof s === 'string' ? capString(s.toUpperCase()) : null),
  },
  trim: {
    signature: 'trim(s: string) -> string',
    description: 'The string without leading and trailing white space.',
    global: true,
    method: true,
    minArgs: 1,
    maxArgs: 1,
    call: ([s]) => str(typeof s === 'string' ? s.trim() : null),
  },
  int: {
    signature: 'int(x: number | string | bool) -> int',
    description:
      "Whole number, truncating toward zero: int(3.7) is 3, int('42') is 42, int(true) is 1; null if not a number.",
    global: true,
    method: true,
    minArgs: 1,
    maxArgs: 1,
    call: ([x]) => {
      if (typeof x === 'number') return Number.isFinite(x) ? Math.trunc(x) + 0 : null;
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (typeof x === 'string' && INT.test(x)) return num(Math.trunc(Number(x)) + 0);
      return null;
    },
  },
  string: {
    signature: 'string(x: string | number | bool) -> string',
    description: "Text form of a number or boolean: string(42) is '42'; null for null, lists and maps.",
    global: true,
    method: true,
    minArgs: 1,
    maxArgs: 1,
    call: ([x]) => {
      if (typeof x === 'string') return capString(x);
      if (typeof x === 'number') return Number.isFinite(x) ? String(x) : null;
      if (typeof x === 'boolean') return String(x);
      return null;
    },
  },
  abs: {
    signature: 'abs(x: number) -> number',
    description: 'Absolute value.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    call: math(Math.abs),
  },
  min: {
    signature: 'min(a: number, b: number, ...) -> number | min(l: list) -> number',
    description:
      'Smallest of the numbers (or of a list of numbers); null if any is not a number or there are none.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 100,
    call: minMax(Math.min),
  },
  max: {
    signature: 'max(a: number, b: number, ...) -> number | max(l: list) -> number',
    description:
      'Largest of the numbers (or of a list of numbers); null if any is not a number or there are none.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 100,
    call: minMax(Math.max),
  },
  round: {
    signature: 'round(x: number, digits?: int) -> number',
    description: 'Rounds half away from zero, to a whole number or to `digits` decimal places (0 to 10).',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 2,
    call: ([x, digits]) => {
      const v = number(x);
      const d = digits === undefined ? 0 : number(digits);
      if (v === null || d === null || !Number.isInteger(d) || d < 0 || d > 10) return null;
      const f = 10 ** d;
      return num((Math.sign(v) * Math.round(Math.abs(v) * f)) / f + 0);
    },
  },
  floor: {
    signature: 'floor(x: number) -> int',
    description: 'Largest whole number not greater than x.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    call: math((x) => Math.floor(x) + 0),
  },
  ceil: {
    signature: 'ceil(x: number) -> int',
    description: 'Smallest whole number not less than x.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    call: math((x) => Math.ceil(x) + 0),
  },
  daysSince: {
    signature: 'daysSince(t: epoch ms | ISO string) -> int',
    description:
      'Whole days from t to the current time `now` (epoch ms, provided by the engine; virtual in simulation). Negative for future times; null if either is missing.',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    call: since(MS.d),
  },
  hoursSince: {
    signature: 'hoursSince(t: epoch ms | ISO string) -> int',
    description: 'Whole hours from t to `now` (see daysSince).',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    call: since(MS.h),
  },
  minutesSince: {
    signature: 'minutesSince(t: epoch ms | ISO string) -> int',
    description: 'Whole minutes from t to `now` (see daysSince).',
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    call: since(MS.m),
  },
  duration: {
    signature: 'duration(d: string) -> int',
    description:
      "Milliseconds in a duration written with units s, m, h, d, w, combinable: duration('7d'), duration('1d12h'), duration('90m').",
    global: true,
    method: false,
    minArgs: 1,
    maxArgs: 1,
    check: ([arg]) => {
      const d = literalString(arg);
      return d !== undefined && parseDuration(d) === null
        ? {
            message: `invalid duration '${d}': write a number followed by s, m, h, d or w, e.g. '7d' or '1d12h'`,
            node: arg!,
          }
        : null;
    },
    call: ([d]) => (typeof d === 'string' ? parseDuration(d) : number(d)),
  },
  timeOfDay: {
    signature: 'timeOfDay(timeZone?: string) -> string',
    description:
      "Current time of day `now` as 'hh:mm' (24-hour) in the time zone (IANA name, e.g. 'Asia/Shanghai'); defaults to the scope's `timezone`, else UTC. Compare with strings: timeOfDay() >= '09:00'.",
    global: true,
    method: false,
    minArgs: 0,
    maxArgs: 1,
    check: ([arg]) => {
      const tz = literalString(arg);
      return tz !== undefined && timeFormatter(tz) === null
        ? { message: `unknown time zone '${tz}': use an IANA name such as 'Asia/Shanghai'`, node: arg! }
        : null;
    },
    call: (args, scope) => {
      const now = toEpochMs(getRoot(scope, 'now'));
      const zone = args.length > 0 ? args[0] : (getRoot(scope, 'timezone') ?? 'UTC');
      if (now === null || typeof zone !== 'string') return null;
      return formatTimeOfDay(now, zone);
    },
  },
};

/** Public, documentation-only view of the whitelist: name → signature and description. */
export const FUNCTIONS: Readonly<Record<string, { signature: string; description: string }>> = Object.freeze(
  Object.fromEntries(
    Object.entries(FUNCTION_DEFS).map(([name, d]) => [
      name,
      { signature: d.signature, description: d.description },
    ]),
  ),
);

export const FUNCTION_NAMES: readonly string[] = Object.keys(FUNCTION_DEFS);
export const METHOD_NAMES: readonly string[] = FUNCTION_NAMES.filter((n) => FUNCTION_DEFS[n]!.method);

export function lookupFunction(name: string): FunctionDef | undefined {
  return Object.hasOwn(FUNCTION_DEFS, name) ? FUNCTION_DEFS[name] : undefined;
}
