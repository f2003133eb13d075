import { describe, expect, it } from 'vitest';
import { barLayout, funnelLayout } from '../src/panels/lib/charts.js';

describe('funnelLayout', () => {
  const layout = funnelLayout(
    [
      { label: 'Attract', value: 1000 },
      { label: 'Activate', value: 400 },
      { label: 'Convert', value: 0 },
      { label: 'Spread', value: 1 },
    ],
    { width: 400, rowHeight: 30, gap: 10, minWidth: 4 },
  );

  it('scales each bar to the largest stage and centres it', () => {
    expect(layout.rows[0]).toMatchObject({ x: 0, width: 400, y: 0, height: 30 });
    expect(layout.rows[1]).toMatchObject({ x: 120, width: 160, y: 40 });
  });

  it('draws an empty stage as nothing and a tiny one at the minimal width', () => {
    expect(layout.rows[2]!.width).toBe(0);
    expect(layout.rows[2]!.x).toBe(200);
    expect(layout.rows[3]!.width).toBe(4);
  });

  it('gives conversions from the previous stage and from the first', () => {
    expect(layout.rows[0]!.fromPrevious).toBeNull();
    expect(layout.rows[1]!.fromPrevious).toBe(0.4);
    expect(layout.rows[1]!.ofFirst).toBe(0.4);
    expect(layout.rows[2]!.fromPrevious).toBe(0);
    // After an empty stage there is no meaningful conversion.
    expect(layout.rows[3]!.fromPrevious).toBeNull();
  });

  it('joins consecutive bars with a neck and sizes the drawing', () => {
    expect(layout.rows[0]!.neck).toBe('0,30 400,30 280,40 120,40');
    expect(layout.rows[3]!.neck).toBe('');
    expect(layout.height).toBe(4 * 30 + 3 * 10);
  });

  it('handles no members and no stages', () => {
    const empty = funnelLayout([{ label: 'A', value: 0 }]);
    expect(empty.rows[0]!.width).toBe(0);
    expect(empty.rows[0]!.ofFirst).toBeNull();
    expect(funnelLayout([]).height).toBe(0);
  });
});

describe('barLayout', () => {
  it('puts one bar per value, scaled to the largest, standing on the baseline', () => {
    const b = barLayout([0, 5, 10], 300, 100, 2);
    expect(b.max).toBe(10);
    expect(b.bars.map((x) => [x.x, x.width, x.y, x.height])).toEqual([
      [0, 98, 100, 0],
      [100, 98, 50, 50],
      [200, 98, 0, 100],
    ]);
  });

  it('keeps bars at least a pixel wide for long runs', () => {
    const b = barLayout(new Array(3650).fill(1), 760, 90);
    expect(b.bars[0]!.width).toBe(1);
    expect(b.bars[3649]!.x).toBeLessThan(760);
  });
});
