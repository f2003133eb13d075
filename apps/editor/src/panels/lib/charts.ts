/** Geometry for the small inline SVG charts: pure numbers, so it can be tested without a browser. */

export interface FunnelInput {
  label: string;
  value: number;
}

export interface FunnelRow {
  label: string;
  value: number;
  /** Share of the first stage (0..1). */
  ofFirst: number | null;
  /** Share of the previous stage (0..1); null for the first row or after an empty stage. */
  fromPrevious: number | null;
  /** The bar, centred in the plot. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The band joining this bar's bottom to the next bar's top, as SVG polygon points ('' for the last). */
  neck: string;
}

export interface FunnelLayout {
  width: number;
  height: number;
  rows: FunnelRow[];
}

export interface FunnelOptions {
  /** Width of the plot area (labels are drawn outside it). */
  width?: number;
  rowHeight?: number;
  gap?: number;
  /** A stage with members is never drawn narrower than this, so it stays visible. */
  minWidth?: number;
}

/**
 * A centred funnel: each bar's width is its value over the largest value. Bars with members keep a
 * minimal width; an empty stage has width 0 (shown as a gap, not a sliver that looks like members).
 */
export function funnelLayout(stages: readonly FunnelInput[], options: FunnelOptions = {}): FunnelLayout {
  const width = options.width ?? 480;
  const rowHeight = options.rowHeight ?? 34;
  const gap = options.gap ?? 14;
  const minWidth = options.minWidth ?? 4;
  const max = Math.max(0, ...stages.map((s) => s.value));
  const first = stages[0]?.value ?? 0;
  const rows: FunnelRow[] = stages.map((s, i) => {
    const raw = max === 0 ? 0 : (s.value / max) * width;
    const w = s.value > 0 ? Math.max(minWidth, raw) : 0;
    const prev = i > 0 ? stages[i - 1]!.value : null;
    return {
      label: s.label,
      value: s.value,
      ofFirst: first > 0 ? s.value / first : null,
      fromPrevious: prev !== null && prev > 0 ? s.value / prev : null,
      x: round((width - w) / 2),
      y: i * (rowHeight + gap),
      width: round(w),
      height: rowHeight,
      neck: '',
    };
  });
  for (let i = 0; i < rows.length - 1; i++) {
    const a = rows[i]!;
    const b = rows[i + 1]!;
    const top = a.y + a.height;
    const bottom = b.y;
    rows[i] = {
      ...a,
      neck: [
        [a.x, top],
        [a.x + a.width, top],
        [b.x + b.width, bottom],
        [b.x, bottom],
      ]
        .map(([x, y]) => `${round(x!)},${round(y!)}`)
        .join(' '),
    };
  }
  const height = rows.length === 0 ? 0 : rows.length * rowHeight + (rows.length - 1) * gap;
  return { width, height, rows };
}

export interface Bar {
  index: number;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarLayout {
  width: number;
  height: number;
  max: number;
  bars: Bar[];
}

/** Vertical bars over `width`×`height`, one per value, scaled to the largest value. */
export function barLayout(values: readonly number[], width: number, height: number, gap = 1): BarLayout {
  const max = Math.max(0, ...values);
  const n = values.length;
  const step = n === 0 ? 0 : width / n;
  const barWidth = Math.max(1, step - gap);
  const bars = values.map((value, index) => {
    const h = max === 0 ? 0 : (value / max) * height;
    return {
      index,
      value,
      x: round(index * step),
      y: round(height - h),
      width: round(barWidth),
      height: round(h),
    };
  });
  return { width, height, max, bars };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
