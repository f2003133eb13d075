/**
 * The CST fast loader agrees with the full loader: whenever it returns a value, `yaml.parse` and
 * `loadYaml` read the same text to the same value, and `loadYaml` finds nothing to report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { fastLoadYaml } from '../src/load/fast-load.js';
import { loadYaml, Origins } from '../src/load/source.js';
import { validatePlaybookText } from '../src/validate/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));

const playbooks = readdirSync(join(ROOT, 'playbooks'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(ROOT, 'playbooks', d.name, 'playbook.yaml'))
  .filter((f) => {
    try {
      readFileSync(f);
      return true;
    } catch {
      return false;
    }
  })
  .map((f) => ({ name: f.slice(ROOT.length), text: readFileSync(f, 'utf8') }));
const docs = readFileSync(join(ROOT, 'docs/playbook-language.md'), 'utf8');
const examples = [...docs.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => ({
  name: `docs line ${docs.slice(0, m.index).split('\n').length + 1}`,
  text: m[1]!,
}));
const corpus = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: `corpus/${f}`, text: readFileSync(join(CORPUS, f), 'utf8') }));

/** Whether the fast loader took the text; throws when it disagrees with the full loaders. */
function agrees(text: string): boolean {
  const fast = fastLoadYaml(text);
  if (fast === undefined) return false;
  expect(fast.value).toEqual(parse(text));
  const full = loadYaml(text, 'x.yaml', new Origins());
  expect(full.issues).toEqual([]);
  expect(fast.value).toEqual(full.value);
  return true;
}

describe('fast loader equivalence', () => {
  it.each(playbooks)('playbooks: $name', ({ text }) => {
    expect(agrees(text)).toBe(true);
  });

  it('every YAML example in docs/playbook-language.md', () => {
    expect(examples.length).toBeGreaterThan(20);
    const taken = examples.filter(({ text }) => agrees(text)).length;
    console.log(`docs: ${taken} of ${examples.length} examples taken on the fast path`);
    expect(taken).toBeGreaterThan(examples.length / 2);
  });

  it('every corpus input (taken or refused, never different)', () => {
    expect(corpus.length).toBeGreaterThan(50);
    const taken = corpus.filter(({ text }) => agrees(text)).length;
    console.log(`corpus: ${taken} of ${corpus.length} inputs taken on the fast path`);
  });

  it('YAML hand-picked for the edges', () => {
    const cases = [
      'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ""\n',
      'a: true\nb: True\nc: TRUE\nd: false\ne: FALSE\nf: yes\ng: no\nh: on\n',
      'a: 0o17\nb: 0x1F\nc: -12\nd: +7\ne: 012\nf: 0b11\ng: 1_000\nh: 12345678901234567890\n',
      'a: 1.5\nb: .5\nc: 1.\nd: 1e3\ne: -1.2E-3\nf: .inf\ng: -.Inf\nh: .NaN\ni: +.INF\nj: 1.0\n',
      'a: "x\\ty\\u00e9"\nb: \'it\'\'s\'\nc: "multi\n  line"\nd: plain\n  folded\n',
      'a: |\n  one\n  two\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\nd: |+\n  keep\n\ne: >2\n    indented\n',
      'a: [1, two, "3", {b: c}, [d]]\nb: {x: 1, "y": [2], z: }\nc: []\nd: {}\ne: [a, b, ]\n',
      '# head\nkey: value # trailing\nlist:\n  # inner\n  - a\n  - b # c\n# tail\n',
      '---\na: 1\n',
      '- a\n- - b\n  - c\n- d: 1\n  e: 2\n-\n',
      '1: a\n2.5: b\ntrue: c\n"1": d\n',
      'a: b\r\nc: d\r\n',
    ];
    for (const c of cases) agrees(c);
    expect(cases.filter(agrees).length).toBeGreaterThanOrEqual(cases.length - 1);
  });

  it('refuses what it does not take on', () => {
    const refused = [
      'a: &x 1\nb: *x\n',
      'a: !foo 1\n',
      'a: !!str 1\n',
      '<<: {a: 1}\n',
      'a: 1\na: 2\n',
      '__proto__: 1\n',
      'constructor: 1\n',
      '? [a]\n: 1\n',
      '[a]: 1\n',
      'a: 1\n---\nb: 2\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: [1, 2\n',
      'a: "open\n',
      'a:\n\t- b\n',
      'a: b: c\n',
      'a: 1 #ok\nb: 2#not a comment\nc: "x"#bad\n',
      'a\nb: 1\n',
      `${'['.repeat(70)}${']'.repeat(70)}\n`,
      '~: 1\n',
      '{a: 1, a: 2}\n',
      Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n',
      `${' '.repeat(130)}a: 1\n`,
      '[a: 1]\n',
    ];
    for (const r of refused) {
      const fast = fastLoadYaml(r);
      if (fast !== undefined) {
        // Only acceptable if it is exactly what the full loader makes of it.
        expect(agrees(r), r).toBe(true);
        expect(r).toBe('a: 1 #ok\nb: 2#not a comment\nc: "x"#bad\n');
      }
    }
  });

  const scalar = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '',
      ' ',
      'null',
      '~',
      'true',
      'False',
      '0o7',
      '0x1f',
      '1e5',
      '.inf',
      '-.5',
      '1.',
      '12',
      '#x',
      ': x',
      '- x',
      'a: b',
      '"',
      "'",
      '\\',
      '\t',
      'a\nb',
      'a\n\nb\n',
      ' lead',
      'trail ',
      'x\n',
      '\n\n',
    ),
    fc.integer(),
    fc.double({ noNaN: false }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(fc.string(), fc.constantFrom('a', 'b', 'null', '1', 'true', 'a b', '-x')),
        tie('v'),
        {
          maxKeys: 4,
        },
      ),
    ),
  })).v;
  const options = fc.record({
    defaultStringType: fc.constantFrom(
      'PLAIN',
      'QUOTE_DOUBLE',
      'QUOTE_SINGLE',
      'BLOCK_LITERAL',
      'BLOCK_FOLDED',
    ),
    defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
    collectionStyle: fc.constantFrom('any', 'block', 'flow'),
    indent: fc.integer({ min: 1, max: 4 }),
    indentSeq: fc.boolean(),
    lineWidth: fc.constantFrom(0, 20, 80),
    minContentWidth: fc.constantFrom(0, 20),
    blockQuote: fc.constantFrom(true, false, 'literal', 'folded'),
  });

  it('generated YAML: fc.jsonValue and scalar-heavy values, many styles', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), value), options, (v, opts) => {
        let text: string;
        try {
          text = stringify(v, { ...(opts as object), aliasDuplicateObjects: false });
        } catch {
          return;
        }
        runs++;
        if (agrees(text)) taken++;
      }),
      { numRuns: 1500 },
    );
    // Most of what yaml writes is taken on the fast path.
    console.log(`generated YAML: ${taken} of ${runs} taken on the fast path`);
    expect(taken).toBeGreaterThan(runs / 2);
  });

  it('mutated playbooks: never taken differently', () => {
    let mutatedTaken = 0;
    const seeds = playbooks.map((p) => p.text);
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.constantFrom('del', 'dup', 'char', 'indent', 'tab'),
            fc.string({ maxLength: 3 }),
          ),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (seed, edits) => {
          const lines = seed.split('\n');
          for (const [n, kind, s] of edits) {
            const i = n % lines.length;
            const line = lines[i]!;
            if (kind === 'del') lines.splice(i, 1);
            else if (kind === 'dup') lines.splice(i, 0, line);
            else if (kind === 'char') {
              const at = line.length === 0 ? 0 : n % line.length;
              lines[i] = line.slice(0, at) + s + line.slice(at + 1);
            } else if (kind === 'indent') lines[i] = ` ${line}`;
            else lines[i] = `\t${line}`;
          }
          if (agrees(lines.join('\n'))) mutatedTaken++;
        },
      ),
      { numRuns: 600 },
    );
    console.log(`mutated playbooks: ${mutatedTaken} of 600 taken on the fast path`);
  });
});

describe('validatePlaybookText with the fast path', () => {
  it.each(playbooks)('a valid playbook gives the same result: $name', ({ name, text }) => {
    const result = validatePlaybookText(text, name);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.playbook).toBeDefined();
  });
});
