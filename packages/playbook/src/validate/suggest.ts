import { suggest as closest, listOf } from '../values/suggest.js';

export { listOf };

/**
 * The likely intended name for a typo: the closest candidate by edit distance, or else one that
 * differs by two swapped neighbours (`sned` → `send`, `nmae` → `name`), which plain edit distance
 * counts as two edits and rejects for short words.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  return closest(word, list) ?? list.find((c) => isSwap(word.toLowerCase(), c.toLowerCase()));
}

function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
