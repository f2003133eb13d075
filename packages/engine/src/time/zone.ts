/**
 * Wall-clock arithmetic in IANA time zones with nothing but Intl. Offsets are cached per zone in
 * 15-minute buckets (every real zone changes offset on a quarter hour), so the hot path — quiet
 * hours and `wait: { until: '09:00' }` for a million members — is a Map lookup, not formatToParts.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
const BUCKET = 15 * MINUTE;
/** About a year of quarter hours: a long-running server never grows the cache without bound. */
const MAX_BUCKETS = 40_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

function computeOffset(zone: string, at: number): number {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  for (const p of formatter(zone).formatToParts(at)) {
    if (p.type === 'year') y = Number(p.value);
    else if (p.type === 'month') mo = Number(p.value);
    else if (p.type === 'day') d = Number(p.value);
    else if (p.type === 'hour') h = Number(p.value);
    else if (p.type === 'minute') mi = Number(p.value);
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  return wall - (at - (((at % MINUTE) + MINUTE) % MINUTE));
}

/** Whether the zone is one Intl knows; unknown zones fall back to UTC everywhere in the engine. */
export function isKnownZone(zone: string): boolean {
  if (formatters.has(zone)) return true;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of local time from UTC at an instant, in milliseconds (New York in winter: -5h). */
export function zoneOffset(zone: string, at: number): number {
  if (zone === 'UTC') return 0;
  let cache = offsets.get(zone);
  if (cache === undefined) {
    if (!isKnownZone(zone)) return 0;
    cache = new Map();
    offsets.set(zone, cache);
  } else if (cache.size > MAX_BUCKETS) {
    cache.clear();
  }
  const bucket = Math.floor(at / BUCKET);
  let off = cache.get(bucket);
  if (off === undefined) {
    off = computeOffset(zone, bucket * BUCKET);
    cache.set(bucket, off);
  }
  return off;
}

/** The local wall-clock time at an instant, as milliseconds on a UTC-based scale. */
export function toWall(zone: string, at: number): number {
  return at + zoneOffset(zone, at);
}

/** Minutes since local midnight. */
export function minuteOfDay(zone: string, at: number): number {
  const wall = toWall(zone, at);
  return Math.floor((((wall % DAY) + DAY) % DAY) / MINUTE);
}

/**
 * The instant at which the local clock shows `wall`. A wall time skipped by a spring-forward
 * gap maps to the instant the same distance past the gap (02:30 → 03:30); one repeated by a
 * fall-back overlap maps to its first occurrence — the same choice as Temporal's 'compatible'.
 */
export function fromWall(zone: string, wall: number): number {
  const before = zoneOffset(zone, wall - DAY);
  const after = zoneOffset(zone, wall + DAY);
  const a = wall - before;
  if (before === after) return a;
  const b = wall - after;
  const aOk = zoneOffset(zone, a) === before;
  const bOk = zoneOffset(zone, b) === after;
  if (aOk && bOk) return Math.min(a, b);
  if (aOk) return a;
  if (bOk) return b;
  return a;
}

/** Parses `HH:MM` into minutes since midnight. */
export function parseTimeOfDay(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** The first instant strictly after `after` at which the local clock shows `minute` minutes past midnight. */
export function nextLocalTime(zone: string, after: number, minute: number): number {
  const wall = toWall(zone, after);
  const midnight = wall - ((((wall % DAY) + DAY) % DAY) as number);
  for (let day = 0; day < 3; day++) {
    const at = fromWall(zone, midnight + day * DAY + minute * MINUTE);
    if (at > after) return at;
  }
  return fromWall(zone, midnight + 3 * DAY + minute * MINUTE);
}
