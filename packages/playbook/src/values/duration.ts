const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d{1,9}[smhdw])+$/;
const PART = /(\d+)([smhdw])/g;

/** Milliseconds of a duration like `30m`, `1d12h`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || !DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 ? ms : undefined;
}

/** A duration in the shortest exact form (`90m` → `1h30m`). */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  let out = '';
  for (const u of ['w', 'd', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / UNIT_MS[u]!);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * UNIT_MS[u]!;
    }
  }
  return out || '0s';
}
