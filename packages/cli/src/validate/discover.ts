import { open } from 'node:fs/promises';
import { discoverFiles } from '../discover-files.js';
import { type Lang, messages } from '../i18n.js';

/**
 * Turns `kith validate` arguments into absolute playbook paths (see {@link discoverFiles}): a
 * directory or glob keeps the YAML files that look like playbooks ({@link looksLikePlaybook}).
 */
export function discoverPlaybooks(
  inputs: readonly string[],
  cwd: string,
  lang: Lang = 'en',
): Promise<string[]> {
  return discoverFiles(inputs, {
    cwd,
    lang,
    pattern: '**/*.{yaml,yml}',
    keep: looksLikePlaybook,
    nothingFound: (given) => messages(lang).noPlaybooks(given),
  });
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
