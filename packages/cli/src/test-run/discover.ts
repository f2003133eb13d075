import { discoverFiles } from '../discover-files.js';
import type { Lang } from '../i18n.js';
import { testWords } from './words.js';

const TEST_FILE = /\.test\.ya?ml$/;

/**
 * Turns `kith test` arguments into absolute test-file paths (see {@link discoverFiles}): a
 * directory gives every `*.test.yaml` / `*.test.yml` below it; a glob keeps the test files it
 * matches.
 */
export function discoverTests(inputs: readonly string[], cwd: string, lang: Lang = 'en'): Promise<string[]> {
  return discoverFiles(inputs, {
    cwd,
    lang,
    pattern: '**/*.test.{yaml,yml}',
    keep: (path) => TEST_FILE.test(path),
    nothingFound: (given) => testWords(lang).noTests(given),
  });
}
