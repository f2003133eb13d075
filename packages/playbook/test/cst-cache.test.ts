/**
 * The full loader composes the tokens the fast path kept for the same text instead of tokenising
 * it again: the document must be the one `yaml.parseDocument` makes, errors and warnings included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseDocumentOnce } from '../src/load/cst-cache.js';
import { fastLoadYaml } from '../src/load/fast-load.js';

const OPTIONS = { uniqueKeys: true, prettyErrors: false, keepSourceTokens: false } as const;

function js(doc: ReturnType<typeof parseDocument>): unknown {
  try {
    return doc.toJS();
  } catch (error) {
    return `throws: ${(error as Error).message}`;
  }
}

function same(text: string): void {
  fastLoadYaml(text); // keeps its tokens for this text
  const reused = parseDocumentOnce(text, OPTIONS);
  const fresh = parseDocument(text, OPTIONS);
  expect(reused.errors.map((e) => [e.code, e.pos, e.message])).toEqual(
    fresh.errors.map((e) => [e.code, e.pos, e.message]),
  );
  expect(reused.warnings.map((e) => [e.code, e.pos])).toEqual(fresh.warnings.map((e) => [e.code, e.pos]));
  expect(reused.range).toEqual(fresh.range);
  if (fresh.errors.length === 0) expect(js(reused)).toEqual(js(fresh));
}

const line = fc.oneof(
  fc.constantFrom(
    'a: 1',
    '- x',
    '  b: [1, 2',
    'c: "open',
    '---',
    '...',
    '%YAML 1.2',
    '? k',
    ': v',
    'd: &x 1',
    'e: *x',
    '  - { id: s, wait: 1d }',
    'f:',
    '\tg: 2',
    '# note',
    'a: 2',
  ),
  fc.string({ maxLength: 12 }),
);

describe('composing the kept CST', () => {
  it('gives parseDocument’s document for any text, broken or not', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => same(lines.join('\n'))),
      { numRuns: 400 },
    );
  });

  it('is used once, and only for the text it was kept for', () => {
    fastLoadYaml('a: 1\n');
    // another text: tokenised afresh
    expect(parseDocumentOnce('b: 2\n', OPTIONS).toJS()).toEqual({ b: 2 });
    fastLoadYaml('a: [1\n');
    const first = parseDocumentOnce('a: [1\n', OPTIONS);
    expect(first.errors.length).toBeGreaterThan(0);
    // a second read of the same text does not reuse (composed tokens are not composed twice)
    const second = parseDocumentOnce('a: [1\n', OPTIONS);
    expect(second.errors.map((e) => e.code)).toEqual(first.errors.map((e) => e.code));
  });
});
