import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../command.js';
import { type Lang, messages } from '../i18n.js';
import { SKIPPED_DIRS } from '../validate/discover.js';
import { testWords } from './words.js';

const TEST_FILE = /\.test\.ya?ml$/;

/**
 * Turns `kith test` arguments into absolute test-file paths, in argument order, each directory's
 * and glob's files sorted, without duplicates: a file is taken as is; a directory gives every
 * `*.test.yaml` / `*.test.yml` below it (skipping node_modules, dist, .kith); a glob keeps the
 * test files it matches. A missing path, an empty glob or nothing found at all is a usage error.
 */
export async function discoverTests(
  inputs: readonly string[],
  cwd: string,
  lang: Lang = 'en',
): Promise<string[]> {
  const m = messages(lang);
  const found = new Set<string>();
  const add = (paths: string[]) => {
    for (const p of paths.filter((p) => TEST_FILE.test(p)).sort()) found.add(resolve(p));
  };
  for (const input of inputs) {
    const abs = resolve(cwd, input);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isFile()) found.add(abs);
    else if (st?.isDirectory()) {
      add(
        await glob('**/*.test.{yaml,yml}', {
          cwd: abs,
          absolute: true,
          onlyFiles: true,
          ignore: SKIPPED_DIRS.map((d) => `**/${d}/**`),
        }),
      );
    } else if (isDynamicPattern(input)) {
      const matches = await glob(input.replace(/\\/g, '/'), {
        cwd,
        absolute: true,
        onlyFiles: true,
        ignore: SKIPPED_DIRS.filter((d) => !input.includes(d)).map((d) => `**/${d}/**`),
      });
      if (matches.length === 0) throw new UsageError(m.noGlobMatch(input));
      add(matches);
    } else {
      throw new UsageError(m.notFound(input));
    }
  }
  if (found.size === 0) throw new UsageError(testWords(lang).noTests([...inputs]));
  return [...found];
}
