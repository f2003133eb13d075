import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../command.js';
import { type Lang, messages } from '../i18n.js';

/** Directories never searched when expanding a directory. */
export const SKIPPED_DIRS = ['node_modules', 'dist', '.kith'] as const;

/**
 * Turns `kith validate` arguments into absolute playbook paths, in argument order, each
 * directory's and glob's files sorted, without duplicates:
 *
 * - an existing file is taken as is, whatever its name (the user asked for it);
 * - an existing directory gives every `*.yaml` / `*.yml` below it that looks like a playbook
 *   (see {@link looksLikePlaybook}), skipping `node_modules`, `dist`, `.kith` and dot-directories;
 * - anything else that contains glob syntax is a glob, filtered the same way;
 * - anything else is a usage error naming the path.
 *
 * Throws `UsageError` if a path doesn't exist, a glob matches nothing, or nothing at all is found.
 */
export async function discoverPlaybooks(
  inputs: readonly string[],
  cwd: string,
  lang: Lang = 'en',
): Promise<string[]> {
  const m = messages(lang);
  const found = new Set<string>();
  const add = async (paths: string[]) => {
    const keep = await Promise.all(paths.map((p) => looksLikePlaybook(p)));
    for (const p of paths.filter((_, i) => keep[i]).sort(comparePaths)) found.add(p);
  };

  for (const input of inputs) {
    const abs = resolve(cwd, input);
    const st = await stat(abs).catch(() => undefined);
    if (st?.isFile()) {
      found.add(abs);
    } else if (st?.isDirectory()) {
      await add(
        await glob('**/*.{yaml,yml}', {
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
        // Skip the usual directories unless the pattern names one explicitly.
        ignore: SKIPPED_DIRS.filter((d) => !input.includes(d)).map((d) => `**/${d}/**`),
      });
      if (matches.length === 0) throw new UsageError(m.noGlobMatch(input));
      await add(matches.map((p) => resolve(p)));
    } else {
      throw new UsageError(m.notFound(input));
    }
  }
  if (found.size === 0) throw new UsageError(m.noPlaybooks([...inputs]));
  return [...found];
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SNIFF_BYTES = 64 * 1024;

/**
 * A YAML file is taken for a playbook when its first key (after comments, blank lines,
 * directives and `---`) is `kith:`. Test cases, simulation profiles and other YAML don't start
 * that way. Files that can't be read are kept, so the validator reports why.
 */
export async function looksLikePlaybook(path: string): Promise<boolean> {
  let head: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
      head = buf.subarray(0, bytesRead).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch {
    return true;
  }
  return startsWithKithKey(head);
}

/** The text-level test behind {@link looksLikePlaybook}. */
export function startsWithKithKey(text: string): boolean {
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    let line = raw.trim();
    if (line.startsWith('%')) continue;
    if (line.startsWith('---')) line = line.slice(3).trim();
    if (line === '' || line.startsWith('#')) continue;
    return /^(?:kith|"kith"|'kith')\s*:(?:\s|$)/.test(line);
  }
  return false;
}
