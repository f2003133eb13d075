import type { Writer } from '../io.js';
import { type Colors, createColors } from './colors.js';

export interface ProgressOptions {
  /** Where to draw: normally stderr, so stdout stays clean for results and `--json`. */
  stream: Writer;
  /** Units of work in all. */
  total: number;
  /** Shown before the bar, e.g. `simulating`. */
  label?: string;
  /** Unit shown after the rate, e.g. `members` → `1,234 members/s`. Default `/s` alone. */
  unit?: string;
  /** Force on or off; default on exactly when the stream is a TTY. */
  enabled?: boolean;
  /** Minimum milliseconds between redraws. Default 100. */
  throttleMs?: number;
  /** Clock, for tests. Default `performance.now()`. */
  now?: () => number;
  colors?: Colors;
}

/**
 * A one-line progress bar for long work (simulation, bulk validation):
 *
 * `simulating [██████████░░░░░░░░░░]  520/1,000  52%  1,234/s  ETA 0:03`
 *
 * It redraws in place on a TTY at most every `throttleMs`, and is completely silent when the
 * stream is not a TTY (CI logs, pipes). Call `done()` at the end to draw the final state and move
 * to a new line (or `done({ clear: true })` to erase it).
 */
export class ProgressBar {
  readonly enabled: boolean;
  private count = 0;
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private finished = false;
  private readonly now: () => number;
  private readonly colors: Colors;
  private readonly options: ProgressOptions;

  constructor(options: ProgressOptions) {
    this.options = options;
    this.enabled = options.enabled ?? options.stream.isTTY === true;
    this.now = options.now ?? (() => performance.now());
    this.colors = options.colors ?? createColors(false);
    this.started = this.now();
  }

  get value(): number {
    return this.count;
  }

  /** Add `n` units done. */
  tick(n = 1): void {
    this.update(this.count + n);
  }

  /** Set the units done. */
  update(count: number): void {
    if (this.finished) return;
    this.count = Math.max(0, Math.min(count, this.options.total));
    if (!this.enabled) return;
    const t = this.now();
    if (t - this.lastDraw < (this.options.throttleMs ?? 100) && this.count < this.options.total) return;
    this.draw(t);
  }

  /** Draw the final state and end the line; or erase the bar with `clear`. */
  done(options: { clear?: boolean } = {}): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.enabled) return;
    if (options.clear) {
      if (this.drawn) this.options.stream.write('\r\u001b[2K');
      return;
    }
    this.draw(this.now());
    this.options.stream.write('\n');
  }

  /** The line as it would be drawn at time `t` (no escape codes), for tests and custom output. */
  render(t: number = this.now()): string {
    const c = this.colors;
    const { total } = this.options;
    const elapsed = Math.max(0, (t - this.started) / 1000);
    const rate = elapsed > 0 ? this.count / elapsed : 0;
    const pct = total > 0 ? Math.floor((this.count / total) * 100) : 100;
    const eta = this.count >= total ? 0 : rate > 0 ? (total - this.count) / rate : undefined;
    const counts = `${fmtInt(this.count).padStart(fmtInt(total).length)}/${fmtInt(total)}`;
    const unit = this.options.unit ? ` ${this.options.unit}/s` : '/s';
    const tail = `${counts}  ${String(pct).padStart(3)}%  ${fmtRate(rate)}${unit}  ETA ${eta === undefined ? '--:--' : fmtDuration(eta)}`;
    const label = this.options.label ? `${this.options.label} ` : '';
    const columns = this.options.stream.columns ?? 80;
    const barWidth = Math.max(10, Math.min(30, columns - label.length - tail.length - 5));
    const filled = total > 0 ? Math.round((this.count / total) * barWidth) : barWidth;
    const bar = c.green('█'.repeat(filled)) + c.dim('░'.repeat(barWidth - filled));
    return `${label}[${bar}]  ${tail}`;
  }

  private draw(t: number): void {
    this.lastDraw = t;
    this.drawn = true;
    this.options.stream.write(`\r\u001b[2K${this.render(t)}`);
  }
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtRate(r: number): string {
  if (r >= 100) return fmtInt(r);
  if (r >= 10) return r.toFixed(1);
  return r.toFixed(2);
}

/** `0:07`, `12:34`, `1:02:03`. */
export function fmtDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
