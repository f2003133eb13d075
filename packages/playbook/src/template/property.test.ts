import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate, TemplateRenderError, templateReferences } from './index.js';

const PIECES = [
  '{{',
  '}}',
  '{%',
  '%}',
  '{%-',
  '-%}',
  ' ',
  '\n',
  '|',
  ':',
  ',',
  '.',
  '[',
  ']',
  "'",
  '"',
  'member',
  'name',
  '0',
  'if',
  'endif',
  'for',
  'in',
  'endfor',
  'assign',
  '=',
  'x',
  'upcase',
  'money',
  'default',
  'liquid',
  'echo',
  'raw',
  'endraw',
  'comment',
  '__proto__',
  'include',
  '你好',
];

function checkTemplate(source: string): void {
  const parsed = parseTemplate(source);
  if (!parsed.ok) {
    expect(parsed.error.offset).toBeGreaterThanOrEqual(0);
    expect(parsed.error.offset + parsed.error.length).toBeLessThanOrEqual(source.length);
    expect(templateReferences(source)).toEqual([]);
    return;
  }
  for (const r of templateReferences(source)) {
    expect(r.path.length).toBeGreaterThan(0);
    expect(r.offset).toBeGreaterThanOrEqual(0);
    expect(r.offset + r.length).toBeLessThanOrEqual(source.length);
  }
  try {
    expect(typeof renderTemplate(source, { member: { name: 'Ann' } })).toBe('string');
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateRenderError);
  }
}

describe('templates never throw on arbitrary input', () => {
  it('random strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 120 }), checkTemplate), { numRuns: 1000 });
  });

  it('strings built from Liquid pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (parts) =>
        checkTemplate(parts.join('')),
      ),
      { numRuns: 2000 },
    );
  });

  it('reference spans start with the reported root name', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b_c', 'dé'), { minLength: 1, maxLength: 3 }),
        fc.string({ maxLength: 10 }).filter((s) => !/[{}%]/.test(s)),
        (path, prefix) => {
          const source = `${prefix}{{ ${path.join('.')} }}`;
          const refs = templateReferences(source);
          expect(refs).toHaveLength(1);
          expect(refs[0]!.path).toEqual(path);
          expect(source.slice(refs[0]!.offset, refs[0]!.offset + refs[0]!.length)).toBe(path.join('.'));
        },
      ),
    );
  });
});
