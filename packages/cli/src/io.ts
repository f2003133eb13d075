import type { Env } from './output/colors.js';

/** Somewhere to write text: `process.stdout`/`process.stderr` satisfy this, and so does a test buffer. */
export interface Writer {
  write(chunk: string): unknown;
  /** True when the stream is a terminal: enables colours (stdout) and progress bars (stderr). */
  isTTY?: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

/** Everything a command may touch of the outside world; `run()` never reads `process` itself. */
export interface CliIO {
  stdout: Writer;
  stderr: Writer;
  env: Env;
  /** Directory that relative paths are resolved against and displayed relative to. */
  cwd: string;
}

/** The real process's IO. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** An in-memory IO for tests: read what was written with `out()` and `err()`. */
export function memoryIO(
  options: { env?: Env; cwd?: string; isTTY?: boolean; stderrIsTTY?: boolean } = {},
): CliIO & {
  out(): string;
  err(): string;
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (s: string) => out.push(s), isTTY: options.isTTY ?? false, columns: 80 },
    stderr: {
      write: (s: string) => err.push(s),
      isTTY: options.stderrIsTTY ?? options.isTTY ?? false,
      columns: 80,
    },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
