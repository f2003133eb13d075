import pc from 'picocolors';

/** The picocolors formatter set; every formatter is the identity when colours are off. */
export type Colors = ReturnType<typeof pc.createColors>;

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether to colour a stream: `FORCE_COLOR` (anything but `0`/`false`) forces colours on, and
 * `FORCE_COLOR=0` forces them off; otherwise a non-empty `NO_COLOR` (https://no-color.org) or
 * `TERM=dumb` turns them off; otherwise colour exactly when the stream is a TTY.
 */
export function shouldUseColor(isTTY: boolean | undefined, env: Env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return isTTY === true;
}

export function createColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/** Colours for a stream, decided by {@link shouldUseColor}. */
export function colorsFor(stream: { isTTY?: boolean }, env: Env): Colors {
  return createColors(shouldUseColor(stream.isTTY, env));
}

/** Remove ANSI escape sequences (for measuring and for tests). */
export function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}
