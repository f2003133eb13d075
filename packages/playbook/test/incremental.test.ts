/**
 * Incremental validation gives exactly what `validatePlaybookText` gives — diagnostics, their
 * positions and order, the resolved playbook, params and sources — after every edit of a random
 * sequence, on the templates and on a generated 500-step playbook; and it reads the text whole
 * whenever it cannot be sure a piece reads alone as it does in the document.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generatePlaybook } from '../../../bench/generate-playbook.js';
import { planChunks } from '../src/load/chunks.js';
import { IncrementalValidator } from '../src/validate/incremental.js';
import { type ValidateOptions, validatePlaybookText } from '../src/validate/index.js';
import type { PluginCatalogue } from '../src/validate/plugins.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const templates = readdirSync(join(ROOT, 'playbooks'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({
    name: d.name,
    text: readFileSync(join(ROOT, 'playbooks', d.name, 'playbook.yaml'), 'utf8'),
  }));

/** A small catalogue, so that `use:` and `with:` are checked too (as in the editor). */
const catalogue: PluginCatalogue = [
  {
    name: 'sandbox',
    version: '1.0.0',
    configSchema: { type: 'object', properties: { prefix: { type: 'string' } }, additionalProperties: false },
    actions: {},
    capabilities: { channel: {}, payment: null },
  },
  {
    name: 'payment-sandbox',
    version: '1.0.0',
    configSchema: {
      type: 'object',
      properties: { webhookSecret: { type: 'string' } },
      additionalProperties: false,
    },
    actions: {},
    capabilities: { channel: null, payment: {} },
  },
];

/** Validate with both and demand the same result; returns whether it went piece by piece. */
function same(validator: IncrementalValidator, text: string, options: ValidateOptions): boolean {
  const got = validator.validate(text);
  const want = validatePlaybookText(text, validator.file, options);
  expect(got.diagnostics).toEqual(want.diagnostics);
  expect(got.playbook).toEqual(want.playbook);
  expect(got.params).toEqual(want.params);
  expect(got.sources).toEqual(want.sources);
  expect(got.file).toBe(want.file);
  return validator.stats.incremental;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1))
    starts.push(i + 1);
  return starts;
}

/** Lines that start a step or a journey item, to copy or remove whole. */
function itemRanges(text: string): [number, number][] {
  const lines = text.split('\n');
  const starts = lineStarts(text);
  const out: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^( *)- (?:id|journey):/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length;
    let j = i + 1;
    while (j < lines.length && (lines[j]!.trim() === '' || /^ */.exec(lines[j]!)![0].length > indent)) j++;
    out.push([starts[i]!, j < starts.length ? starts[j]! : text.length]);
  }
  return out;
}

/**
 * One edit, with its places as fractions of the text, so any text takes any edit; `original` is
 * the text the sequence started from (an undo goes back to it).
 */
type Edit = (text: string, original: string) => string;

const at = (text: string, f: number) => Math.floor(f * (text.length + 1));
const lineAt = (text: string, f: number) => {
  const starts = lineStarts(text);
  return starts[Math.floor(f * starts.length)] ?? 0;
};
const frac = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Plain typing, the most common edit: letters, digits and spaces inside values. */
const typing: fc.Arbitrary<Edit> = fc.tuple(frac, fc.constantFrom('x', 'e', '1', ' ', '_')).map(
  ([f, c]) =>
    (t: string) =>
      t.slice(0, at(t, f)) + c + t.slice(at(t, f)),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { arbitrary: typing, weight: 4 },
  // Undoing everything: back to a text read before, after whatever the edits broke.
  fc.constant((_: string, original: string) => original),
  // Typing: one character, often one that matters to YAML.
  fc
    .tuple(
      frac,
      fc.constantFrom(
        'x',
        'x',
        '1',
        ' ',
        ' ',
        '\n',
        '-',
        ':',
        '#',
        '"',
        "'",
        '[',
        ']',
        '{',
        '}',
        ',',
        '&',
        '*',
        '!',
        '|',
        '>',
        '%',
        '\t',
        '\r',
        '?',
        '@',
        '~',
      ),
    )
    .map(
      ([f, c]) =>
        (t: string) =>
          t.slice(0, at(t, f)) + c + t.slice(at(t, f)),
    ),
  // Deleting a few characters.
  fc.tuple(frac, fc.integer({ min: 1, max: 4 })).map(
    ([f, n]) =>
      (t: string) =>
        t.slice(0, at(t, f)) + t.slice(at(t, f) + n),
  ),
  // Deleting, copying or indenting a whole line.
  frac.map((f) => (t: string) => {
    const s = lineAt(t, f);
    const e = t.indexOf('\n', s);
    return t.slice(0, s) + t.slice(e === -1 ? t.length : e + 1);
  }),
  frac.map((f) => (t: string) => {
    const s = lineAt(t, f);
    const e = t.indexOf('\n', s);
    const line = t.slice(s, e === -1 ? t.length : e + 1);
    return t.slice(0, s) + line + (line.endsWith('\n') ? '' : '\n') + t.slice(s);
  }),
  fc.tuple(frac, fc.constantFrom(' ', '  ', '-')).map(
    ([f, s]) =>
      (t: string) =>
        t.slice(0, lineAt(t, f)) + s + t.slice(lineAt(t, f)),
  ),
  // A comment line or blank line at any indentation.
  fc.tuple(frac, fc.integer({ min: 0, max: 14 }), fc.boolean()).map(([f, n, blank]) => (t: string) => {
    const s = lineAt(t, f);
    return `${t.slice(0, s)}${' '.repeat(n)}${blank ? '' : '# note'}\n${t.slice(s)}`;
  }),
  // A whole step or journey copied (duplicate ids) or removed.
  fc.tuple(frac, frac, fc.boolean()).map(([f, g, remove]) => (t: string) => {
    const items = itemRanges(t);
    if (items.length === 0) return t;
    const [s, e] = items[Math.floor(f * items.length)]!;
    if (remove) return t.slice(0, s) + t.slice(e);
    const [to] = items[Math.floor(g * items.length)]!;
    return t.slice(0, to) + t.slice(s, e) + t.slice(to);
  }),
  // Mistakes a user makes: a wrong reference, a bad duration or expression, an unknown field.
  fc
    .tuple(
      frac,
      fc.constantFrom(
        ['via: ', 'via: nowhere'],
        ['wait: ', 'wait: soon'],
        ['if: "', 'if: "member.('],
        ['id: ', 'id: s1'],
        ['send: {', 'send: { colour: red,'],
        ['{{ ', '{{ member.nope | '],
        ['use: ', 'use: nothing-installed'],
        ['text: "', 'text: "${params.unknown} '],
        ['offer: ', 'offer: missing-offer'],
        ['journey: ', 'journey: j1'],
        ['kith: 1', 'kith: 2'],
        ['name: ', 'name: [a'],
        ['  attract:', '  attract: &a'],
        ['stages:', 'stages:\n  extra: {}'],
        ['\n', '\n---\n'],
        ['\n', '\nextends: nothing\n'],
        ['\n', '\nanchor: &x { a: 1 }\nalias: *x\n'],
      ),
    )
    .map(([f, [from, to]]) => (t: string) => {
      const hits: number[] = [];
      for (let i = t.indexOf(from); i !== -1; i = t.indexOf(from, i + 1)) hits.push(i);
      if (hits.length === 0) return t;
      const i = hits[Math.floor(f * hits.length)]!;
      return t.slice(0, i) + to + t.slice(i + from.length);
    }),
);

describe('incremental validation', () => {
  it('takes the templates and the generated playbook piece by piece, and agrees', () => {
    for (const { name, text } of [...templates, { name: 'generated', text: generatePlaybook(500) }]) {
      const v = new IncrementalValidator(`${name}.yaml`, { plugins: catalogue });
      expect(same(v, text, { plugins: catalogue }), name).toBe(true);
      expect(v.stats.parsed).toBe(v.stats.pieces);
      // The same text again: nothing is read again.
      expect(same(v, text, { plugins: catalogue })).toBe(true);
      expect(v.stats.parsed).toBe(0);
    }
  });

  it('re-reads only the journey a keystroke changed', () => {
    const text = generatePlaybook(500);
    const v = new IncrementalValidator('bench.yaml');
    v.validate(text);
    const i = text.indexOf('via: group', text.length / 2) + 'via: group'.length;
    const typo = `${text.slice(0, i)}x${text.slice(i)}`;
    const result = v.validate(typo);
    expect(v.stats).toMatchObject({ incremental: true, parsed: 1 });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]!.code).toBe('unknown-reference');
    // Placed on the changed value, far down the file.
    expect(result.diagnostics[0]!.offset).toBe(typo.lastIndexOf('groupx', i + 1));
    expect(result).toEqual(validatePlaybookText(typo, 'bench.yaml'));
  });

  it('substitutes parameters afresh when only their values change', () => {
    // The journey is not read again, but its `${params.brand}` (here spelled with an escape) is
    // filled in again with the new default.
    const text = generatePlaybook(40).replace(
      'text: "Tell us about you?"',
      'text: "\\x24{params.brand} wants to hear from you"',
    );
    const v = new IncrementalValidator('bench.yaml');
    same(v, text, {});
    for (const brand of ['Acme', 'Zenith', '42']) {
      const next = text.replace('default: Bench', `default: ${brand}`);
      expect(same(v, next, {})).toBe(true);
      expect(v.stats.parsed).toBe(1);
      expect(JSON.stringify(v.validate(next).playbook)).toContain(`"${brand} wants to hear from you"`);
    }
  });

  it('agrees after every edit of random edit sequences on the templates', () => {
    let pieceByPiece = 0;
    let total = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...templates),
        fc.array(edit, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        ({ name, text }, edits, withPlugins) => {
          const options: ValidateOptions = withPlugins ? { plugins: catalogue } : {};
          const v = new IncrementalValidator(`${name}.yaml`, options);
          let t = text;
          same(v, t, options);
          for (const e of edits) {
            t = e(t, text);
            total++;
            if (same(v, t, options)) pieceByPiece++;
          }
        },
      ),
      { numRuns: 60 },
    );
    // The edits must exercise the piece-by-piece path, not only the fallback (about a quarter of
    // random edits leave a YAML syntax error, which later edits in a sequence rarely mend).
    expect(pieceByPiece / total).toBeGreaterThan(0.1);
  }, 120_000);

  it('agrees after every edit of random edit sequences on a generated 500-step playbook', () => {
    const text = generatePlaybook(500);
    let pieceByPiece = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const v = new IncrementalValidator('bench.yaml', { plugins: catalogue });
        let t = text;
        same(v, t, { plugins: catalogue });
        for (const e of edits) {
          t = e(t, text);
          total++;
          if (same(v, t, { plugins: catalogue })) pieceByPiece++;
        }
      }),
      { numRuns: 15 },
    );
    expect(pieceByPiece / total).toBeGreaterThan(0.1);
  }, 120_000);
});

describe('incremental validation falls back to the whole way', () => {
  const base = templates.find((t) => t.name === 'mother-baby')!.text;

  const cases: [string, string, string][] = [
    ['a template to extend', `extends: '@kith/templates/mother-baby'\n${base}`, 'extends'],
    ['overrides without a template', `${base}overrides:\n  welcome.hello: { wait: 1d }\n`, 'extends'],
    ['an alias', base.replace('kith: 1', 'kith: &one 1\nversion: *one'), 'yaml'],
    ['a custom tag', base.replace('- journey: welcome', '- journey: !custom welcome'), 'yaml'],
    [
      'a merge key in a journey',
      base
        .replace('kith: 1', 'kith: 1\nshared: &m { on: member.joined }')
        .replace('- journey: welcome', '- <<: *m\n        journey: welcome'),
      'yaml',
    ],
    ['a second document', `${base}---\nkith: 1\n`, 'layout'],
    ['a directive', `%YAML 1.2\n---\n${base}`, 'layout'],
    ['a tab', base.replace('kith: 1', 'kith:\t1'), 'layout'],
    ['carriage returns', base.replace(/\n/g, '\r\n'), 'layout'],
    ['a flow mapping across top-level lines', base.replace('kith: 1', 'kith: { a: 1,\nb: 2 }'), 'yaml'],
    ['a syntax error inside a journey', base.replace('- journey: welcome', '- journey: "welcome'), 'yaml'],
    ['an indented root', base.replace(/^/gm, '  '), 'layout'],
    ['a duplicate top-level key', `${base}kith: 1\n`, 'layout'],
    ['a diagnostic about the whole playbook', base.replace(/^name: .*\n/m, ''), 'place'],
    [
      'a diagnostic in a stage (the frame)',
      base.replace('  attract:\n', '  attract:\n    colour: red\n'),
      'place',
    ],
    ['nesting past the limit', `${base}deep: ${'['.repeat(130)}${']'.repeat(130)}\n`, 'depth'],
    [
      'a journey list the cut cannot follow',
      base.replace('      - journey: welcome\n', '        - journey: welcome\n'),
      'layout',
    ],
  ];

  it.each(cases)('%s', (_, text, reason) => {
    const v = new IncrementalValidator('mother-baby.yaml');
    v.validate(base);
    expect(v.stats.incremental).toBe(true);
    const got = v.validate(text);
    expect(v.stats).toMatchObject({ incremental: false, reason });
    expect(got).toEqual(validatePlaybookText(text, 'mother-baby.yaml'));
    // And it comes back to pieces once the text is plain again, reading only what changed.
    v.validate(base);
    expect(v.stats.incremental).toBe(true);
  });

  it('places a diagnostic on a top-level value through its piece', () => {
    const text = base.replace(/^name: .*$/m, 'name: 12');
    const v = new IncrementalValidator('mother-baby.yaml');
    v.validate(base);
    const got = v.validate(text);
    expect(v.stats).toMatchObject({ incremental: true, parsed: 1 });
    expect(got).toEqual(validatePlaybookText(text, 'mother-baby.yaml'));
    expect(got.diagnostics.map((d) => [d.path, d.offset])).toEqual([['/name', text.indexOf('name: 12') + 6]]);
  });

  it('keeps to pieces with an anchor no alias refers to', () => {
    const text = base.replace('- journey: welcome', '- journey: &first welcome');
    const v = new IncrementalValidator('mother-baby.yaml');
    v.validate(base);
    expect(v.validate(text)).toEqual(validatePlaybookText(text, 'mother-baby.yaml'));
    expect(v.stats).toMatchObject({ incremental: true, parsed: 1 });
  });

  it('applies the depth limit to a journey as deep as it sits in the whole document', () => {
    // Nested mappings under a step: find how deep the whole way first refuses them, then check
    // both sides of that boundary (a journey read alone must count the levels above it).
    const text = generatePlaybook(40);
    const nested = (n: number) =>
      text.replace(
        '            wait: 1d12h\n',
        `            wait: 1d12h\n            deep:\n${Array.from({ length: n }, (_, i) => `${' '.repeat(13 + i)}a:`).join('\n')} 1\n`,
      );
    const tooDeep = (n: number) =>
      validatePlaybookText(nested(n), 'bench.yaml').diagnostics.some((d) => d.code === 'yaml-too-deep');
    let n = 40;
    while (!tooDeep(n)) n++;
    expect(n).toBeLessThan(64);
    const v = new IncrementalValidator('bench.yaml');
    v.validate(text);
    same(v, nested(n - 1), {});
    expect(v.stats.incremental).toBe(true);
    same(v, nested(n), {});
    expect(v.stats).toMatchObject({ incremental: false, reason: 'yaml' });
  });

  it('refuses block nesting past the limit as the whole way does', () => {
    const deep = `${base}deep:\n${Array.from({ length: 140 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1\n`;
    const v = new IncrementalValidator('mother-baby.yaml');
    v.validate(base);
    expect(v.validate(deep)).toEqual(validatePlaybookText(deep, 'mother-baby.yaml'));
    expect(v.stats).toMatchObject({ incremental: false, reason: 'depth' });
  });

  it('cuts a plain playbook into top-level blocks and journeys', () => {
    const text = [
      '# head',
      'kith: 1',
      'name: x',
      'stages:',
      '  attract:',
      '    when: "true"',
      '    journeys:',
      '      - journey: a',
      '        steps: []',
      '',
      '      # between',
      '      - journey: b',
      '        steps: []',
      '  activate:',
      '    journeys:',
      '    - journey: c',
      '      steps: []',
      '    when: "false"',
      'tiers: {}',
      '',
    ].join('\n');
    const plan = planChunks(text)!;
    expect(plan.blocks.map((b) => b.key)).toEqual(['kith', 'name', 'stages', 'tiers']);
    expect(plan.journeys.map((j) => [j.stage, text.slice(j.start, j.end)])).toEqual([
      ['attract', '      - journey: a\n        steps: []\n\n      # between\n'],
      ['attract', '      - journey: b\n        steps: []\n'],
      ['activate', '    - journey: c\n      steps: []\n'],
    ]);
    expect(plan.frame).toBe(
      'stages:\n  attract:\n    when: "true"\n    journeys:\n  activate:\n    journeys:\n    when: "false"\n',
    );
  });
});
