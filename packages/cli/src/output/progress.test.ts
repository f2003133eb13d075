import { describe, expect, it } from 'vitest';
import { fmtDuration, ProgressBar } from './progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, write: (s: string) => writes.push(s), isTTY, columns: 80 };
}

describe('ProgressBar', () => {
  it('is silent when the stream is not a TTY', () => {
    const s = stream(false);
    const bar = new ProgressBar({ stream: s, total: 10 });
    for (let i = 0; i < 10; i++) bar.tick();
    bar.done();
    expect(s.writes).toEqual([]);
    expect(bar.value).toBe(10);
  });

  it('renders count/total, percent, rate and ETA', () => {
    let t = 0;
    const s = stream(true);
    const bar = new ProgressBar({
      stream: s,
      total: 1000,
      label: 'simulating',
      unit: 'members',
      now: () => t,
    });
    t = 2000;
    bar.update(250);
    // 250 in 2 s = 125/s; 750 left → 6 s.
    expect(bar.render(t)).toMatch(
      /^simulating \[█{6}░{16}\] {4}250\/1,000 {3}25% {2}125 members\/s {2}ETA 0:06$/,
    );
    const line = s.writes.at(-1)!;
    expect(line.startsWith('\r\u001b[2K')).toBe(true);
    expect(line).toContain('250/1,000');
  });

  it('shows an unknown ETA before any progress', () => {
    const bar = new ProgressBar({ stream: stream(true), total: 5, now: () => 0 });
    expect(bar.render(0)).toContain('ETA --:--');
  });

  it('throttles redraws but always draws the last unit', () => {
    let t = 0;
    const s = stream(true);
    const bar = new ProgressBar({ stream: s, total: 100, throttleMs: 100, now: () => t });
    for (let i = 0; i < 99; i++) {
      t += 1; // 99 ticks within 99 ms: only the first draws
      bar.tick();
    }
    expect(s.writes).toHaveLength(1);
    t += 1;
    bar.tick(); // completes: drawn despite the throttle
    expect(s.writes).toHaveLength(2);
    expect(s.writes[1]).toContain('100/100');
    expect(s.writes[1]).toContain('100%');
    t += 500;
    bar.tick(); // past total: clamped
    expect(bar.value).toBe(100);
  });

  it('ends with a newline on done(), or erases the line with clear', () => {
    const a = stream(true);
    const bar = new ProgressBar({ stream: a, total: 2, now: () => 0 });
    bar.tick();
    bar.done();
    expect(a.writes.at(-1)).toBe('\n');
    bar.tick(); // after done: ignored
    expect(a.writes.at(-1)).toBe('\n');

    const b = stream(true);
    const cleared = new ProgressBar({ stream: b, total: 2, now: () => 0 });
    cleared.tick();
    cleared.done({ clear: true });
    expect(b.writes.at(-1)).toBe('\r\u001b[2K');
  });

  it('can be forced on or off', () => {
    const s = stream(false);
    const bar = new ProgressBar({ stream: s, total: 1, enabled: true, now: () => 0 });
    bar.tick();
    expect(s.writes.length).toBeGreaterThan(0);
  });
});

describe('fmtDuration', () => {
  it('formats m:ss and h:mm:ss', () => {
    expect(fmtDuration(0)).toBe('0:00');
    expect(fmtDuration(6.2)).toBe('0:07');
    expect(fmtDuration(754)).toBe('12:34');
    expect(fmtDuration(3723)).toBe('1:02:03');
  });
});
