import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './command.js';
import { type Lang, messages } from './i18n.js';

/** Directories never searched when expanding a directory. */
export const SKIPPED_DIRS = ['node_modules', 'dist', '.kith'] as const;

export interface DiscoverOptions {
  cwd: string;
  lang: Lang;
  /** What a directory is searched for, e.g. `**\/*.{yaml,yml}`. */
  pattern: string;
  /** Which of the files found in directories and globs to keep (explicit files are always kept). */
  keep: (path: string) => boolean | Promise<boolean>;
  /** The usage error when nothing at all is found. */
  nothingFound: (inputs: string[]) => string;
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Turns command-line paths into absolute file paths, in argument order, each directory's and
 * glob's files sorted, without duplicates: an existing file is taken as is (the user asked for
 * it); a directory gives the files below it that match `pattern` and `keep`, skipping
 * node_modules, dist and .kith; anything with glob syntax is a glob, filtered the same way;
 * anything else is a usage error naming the path. Nothing found at all is a usage error too.
 */
export async function discoverFiles(inputs: readonly string[], options: DiscoverOptions): Promise<string[]> {
  const m = messages(options.lang);
  const found = new Set<string>();
  const add = async (paths: string[]) => {
    const keep = await Promise.all(paths.map((p) => options.keep(p)));
    for (const p of paths.filter((_, i) => keep[i]).sort(comparePaths)) found.add(p);
  };
  for (const input of inputs) {
    const abs = resolve(options.cwd, input);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isFile()) {
      found.add(abs);
    } else if (st?.isDirectory()) {
      await add(
        await glob(options.pattern, {
          cwd: abs,
          absolute: true,
          onlyFiles: true,
          ignore: SKIPPED_DIRS.map((d) => `**/${d}/**`),
        }),
      );
    } else if (isDynamicPattern(input)) {
      const matches = await glob(input.replace(/\\/g, '/'), {
        cwd: options.cwd,
        absolute: true,
        onlyFiles: true,
        // Skip the usual directories unless the pattern names one explicitly.
        ignore: SKIPPED_DIRS.filter((d) => !input.includes(d)).map((d) => `**/${d}/**`),
      });
      if (matches.length === 0) throw new UsageError(m.noGlobMatch(input));
      await add(matches.map((p) => resolve(p)));
    } else {
      throw new UsageError(m.notFound(input));
    }
  }
  if (found.size === 0) throw new UsageError(options.nothingFound([...inputs]));
  return [...found];
}
