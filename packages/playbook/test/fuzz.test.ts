/**
 * Property-based tests of the loader and validator: random and mutated documents never make
 * `validatePlaybookText` throw or hang, and every diagnostic it returns is well-formed and lies
 * inside the file it names. Seeds are the real templates in /playbooks plus a few in-test
 * playbooks; mutations delete, duplicate and swap lines, change characters, insert YAML
 * punctuation, truncate, and inject hostile snippets.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Diagnostic, type PlaybookHost, validatePlaybookText } from '../src/index.js';

const PLAYBOOKS = fileURLToPath(new URL('../../../playbooks/', import.meta.url));

/** The real templates, when the repository has them. */
const TEMPLATES: string[] = existsSync(PLAYBOOKS)
  ? readdirSync(PLAYBOOKS)
      .map((d) => join(PLAYBOOKS, d, 'playbook.yaml'))
      .filter((f) => existsSync(f))
      .sort()
      .map((f) => readFileSync(f, 'utf8'))
  : [];

const SMALL: string[] = [
  `kith: 1
id: small
name: Small
timezone: Asia/Shanghai
params:
  brand: { type: string, default: Little Stars }
  price: { type: money, default: 5900 }
secrets:
  TG_TOKEN: { description: Telegram bot token }
channels:
  group: { use: telegram, with: { token: "\${secrets.TG_TOKEN}" }, rateLimit: { max: 20, per: 1m } }
payments:
  pay: { use: stripe }
tiers:
  member: {}
  kol: { when: "member.referrals >= 20 && 'vip' in member.tags" }
offers:
  box: { price: "\${params.price}", currency: CNY, tierPrice: { kol: 4900 }, campaign: { kind: group-buy, threshold: 3, deadline: 7d } }
covenant:
  rules:
    - { id: no-ads, regex: "https?://", action: strike, message: "{{ member.name }}, no ads please" }
referrals:
  commissions: { levels: [{ rate: "10%" }, { rate: "2.5%" }], hold: 14d }
delivery:
  quietHours: { start: "22:00", end: "08:00" }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: group, text: "Welcome {{ member.name }} to {{ params.brand }}!" }
          - id: settle
            wait: 1d
          - id: check
            if: member.messages == 0
            then:
              - { id: nudge, send: { via: group, text: "Say hi?" } }
            else:
              - { id: thanks, tag: active }
          - id: ab
            split:
              - { variant: a, weight: 50, steps: [{ id: a1, score: 10 }] }
              - { variant: b, weight: 50, steps: [{ id: b1, score: { points: 5, reason: test } }] }
  transact:
    journeys:
      - journey: sell
        on: { stage: transact }
        steps:
          - { id: offer, offer: { offer: box, via: group, text: "{{ offer.name }} {{ checkout.url }}" } }
          - id: paid
            wait: { event: payment.succeeded, timeout: 3d }
            onTimeout:
              - { id: remind, send: { via: group, text: Still thinking? } }
          - { id: won, goal: purchased }
`,
  `kith: 1
id: client
extends:
  from: ./template.yaml
  params: { brand: Acme }
overrides:
  welcome.hello:
    send: { via: group, text: "Hi from {{ params.brand }}" }
migrate:
  welcome: { old-hello: hello }
`,
  `kith: 1
id: tiny
name: Tiny
channels: { c: { use: smtp } }
stages: { attract: { journeys: [{ journey: j, on: member.joined, steps: [{ id: s, send: { via: c, text: hi } }] }] } }
`,
];

/** The template every `extends` in a fuzzed document reaches. */
const TEMPLATE = `kith: 1
id: template
name: Template
params:
  brand: { type: string }
channels:
  group: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hello, send: { via: group, text: "Welcome to {{ params.brand }}" } }
`;

/** Every `extends` resolves to one template, except names with "missing" or "cycle" in them. */
const host: PlaybookHost = {
  resolveTemplate: (_from, spec) =>
    spec.includes('missing') ? undefined : spec.includes('cycle') ? 'fuzz.yaml' : 'template.yaml',
  readFile: (path) => {
    if (path === 'template.yaml') return TEMPLATE;
    throw new Error(`no file ${path}`);
  },
};

const HOSTILE = [
  '&a [*a, *a]',
  '*nope',
  '!!js/function "function () {}"',
  '!foo bar',
  '!!binary aGVsbG8=',
  '__proto__: { polluted: true }',
  'constructor: x',
  'prototype: x',
  '<<: *a',
  '? [a, b]\n: c',
  '\u0000',
  '\uFEFF',
  '\t',
  '\r\n',
  '\u2028',
  '\uD800',
  '😀',
  '%YAML 1.1\n---\n',
  '---\n',
  '...\n',
  '[[[[[[[[[[[[',
  '{{{{{{{{',
  '"{{ member.name ',
  '{% if member.points > 3 %}',
  '{% for i in (1..100000000) %}x{% endfor %}',
  '{{ member.name | money: "XXX" | date: "%Y" | append: 1 }}',
  '${params.brand}',
  '${params.',
  '${secrets.X}',
  '${secrets.',
  'member.points = 3',
  `"${'('.repeat(300)}"`,
  `"${'member.a.'.repeat(200)}b"`,
  `"${'!'.repeat(500)}x"`,
  `${'- '.repeat(150)}x`,
  `${'['.repeat(150)}${']'.repeat(150)}`,
  // Deep enough to overflow the YAML parser's stack, which must be refused before parsing.
  `${'- '.repeat(3_000)}x`,
  `${'{a: '.repeat(3_000)}`,
  Array.from({ length: 1_500 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
  'a'.repeat(20_000),
  'extends: ./missing.yaml',
  'extends: ./cycle.yaml',
  'extends: { from: ./template.yaml, params: { brand: 5, nope: 1 } }',
  'overrides: { nope.nope: { send: 1 } }',
  'regex: "(a+)+$"',
  'regex: "[z-a]"',
  'schedule: "* * * * * * *"',
  'timezone: Not/AZone',
  'price: 1e400',
  'price: -0.5',
  'price: 0x1F',
  'price: .inf',
  'id: "\u0000"',
  '"\\uD800"',
  "'''",
  '|\n  block\n text',
  '>-\n',
  '#',
  ': : :',
  '- - - -',
  '&anchor',
  '*',
  '!',
  '%',
  '@',
  '`',
];

const PUNCTUATION = [
  ':',
  '-',
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
  "'",
  '"',
  '#',
  '%',
  '@',
  '`',
  '?',
  ' ',
  '\t',
  '\n',
  '\\',
];

type Mutation =
  | { kind: 'delete' | 'duplicate' | 'indent' | 'dedent'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'char' | 'punct' | 'inject'; at: number; text: string }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('delete', 'duplicate', 'indent', 'dedent') as fc.Arbitrary<
      'delete' | 'duplicate' | 'indent' | 'dedent'
    >,
    at: fc.nat(),
  }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({
    kind: fc.constant('char' as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 1 }),
  }),
  fc.record({ kind: fc.constant('punct' as const), at: fc.nat(), text: fc.constantFrom(...PUNCTUATION) }),
  fc.record({ kind: fc.constant('inject' as const), at: fc.nat(), text: fc.constantFrom(...HOSTILE) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = m.at % lines.length;
  switch (m.kind) {
    case 'delete':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'duplicate':
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    case 'indent':
      lines[i] = `  ${lines[i]}`;
      return lines.join('\n');
    case 'dedent':
      lines[i] = lines[i]!.replace(/^ {1,2}/, '');
      return lines.join('\n');
    case 'swap': {
      const j = m.with % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    case 'char': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at + 1);
    }
    case 'punct':
    case 'inject': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
}

// ------------------------------------------------------------------ the property

const stats = { documents: 0, diagnostics: 0, slowest: 0, ms: 0 };

/**
 * Runs are reproducible: a fixed seed unless `KITH_FUZZ_SEED` gives one (a number, or `random`
 * to explore). Each property adds its own offset.
 */
const SEED =
  process.env.KITH_FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : Number(process.env.KITH_FUZZ_SEED ?? 0x6b697468) || 0x6b697468;

function lineLengths(text: string): number[] {
  return text.split('\n').map((l) => l.length);
}

/** 1-based line and column of an offset, counted the way diagnostics count them. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

function checkDiagnostic(d: Diagnostic, sources: Map<string, string>): void {
  expect(d.code, 'code').toMatch(/^[a-z0-9-]+$/);
  expect(d.message, `${d.code}: message`).not.toBe('');
  expect(d.hint, `${d.code}: hint`).not.toBe('');
  expect(d.zh.message, `${d.code}: zh.message`).not.toBe('');
  expect(d.zh.hint, `${d.code}: zh.hint`).not.toBe('');
  expect(['error', 'warning', 'info']).toContain(d.severity);
  const text = sources.get(d.file);
  expect(text, `${d.code}: file ${d.file} is among the sources`).toBeTypeOf('string');
  const lengths = lineLengths(text!);
  const where = `${d.code} at ${d.file}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}`;
  expect(d.line, where).toBeGreaterThanOrEqual(1);
  expect(d.line, where).toBeLessThanOrEqual(lengths.length);
  expect(d.column, where).toBeGreaterThanOrEqual(1);
  expect(d.column, where).toBeLessThanOrEqual(lengths[d.line - 1]! + 1);
  expect(d.endLine, where).toBeGreaterThanOrEqual(d.line);
  expect(d.endLine, where).toBeLessThanOrEqual(lengths.length);
  expect(d.endColumn, where).toBeGreaterThanOrEqual(1);
  expect(d.endColumn, where).toBeLessThanOrEqual(lengths[d.endLine - 1]! + 1);
  if (d.endLine === d.line) expect(d.endColumn, where).toBeGreaterThanOrEqual(d.column);
  expect(d.offset, where).toBeGreaterThanOrEqual(0);
  expect(d.offset, where).toBeLessThanOrEqual(d.endOffset);
  expect(d.endOffset, where).toBeLessThanOrEqual(text!.length);
  // A problem at a JSON path was found in the file: it never falls back to an empty span at 1:1.
  if (d.path !== '' && d.offset < text!.length) {
    expect(d.endOffset, `${where} (${d.path})`).toBeGreaterThan(d.offset);
  }
  // Line/column and offsets describe the same place.
  expect(position(text!, d.offset), where).toEqual({ line: d.line, column: d.column });
  expect(position(text!, d.endOffset), where).toEqual({ line: d.endLine, column: d.endColumn });
}

/** Where the document of the last failure is written, to be read or re-run by hand. */
const FAILURE_FILE = join(tmpdir(), 'kith-fuzz-failure.yaml');

function validateChecked(text: string): void {
  if (process.env.KITH_FUZZ_TRACE) writeFileSync(FAILURE_FILE, text);
  try {
    const t0 = performance.now();
    const result = validatePlaybookText(text, 'fuzz.yaml', { host });
    const ms = performance.now() - t0;
    stats.documents++;
    stats.ms += ms;
    stats.slowest = Math.max(stats.slowest, ms);
    stats.diagnostics += result.diagnostics.length;
    expect(ms, 'one document takes at most 2 s').toBeLessThan(2_000);
    expect(result.sources.get('fuzz.yaml')).toBe(text);
    for (const d of result.diagnostics) checkDiagnostic(d, result.sources);
    if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.playbook).toBeUndefined();
  } catch (e) {
    writeFileSync(FAILURE_FILE, text);
    (e as Error).message += ` (document written to ${FAILURE_FILE})`;
    throw e;
  }
}

afterAll(() => {
  console.log(
    `fuzz (seed ${SEED}): ${stats.documents} documents, ${stats.diagnostics} diagnostics, ` +
      `${(stats.ms / 1000).toFixed(1)} s validating, slowest ${stats.slowest.toFixed(0)} ms`,
  );
});

// ------------------------------------------------------------------ the runs

describe('validatePlaybookText on hostile input', () => {
  it('accepts the seeds it mutates', () => {
    expect(validatePlaybookText(SMALL[0]!, 'small.yaml', { host }).diagnostics).toEqual([]);
    expect(validatePlaybookText(SMALL[2]!, 'tiny.yaml', { host }).diagnostics).toEqual([]);
    for (const t of TEMPLATES) {
      const errors = validatePlaybookText(t, 'template.yaml', { host }).diagnostics.filter(
        (d) => d.severity === 'error',
      );
      expect(errors).toEqual([]);
    }
  });

  it('survives mutated real templates', { timeout: 60_000 }, () => {
    if (TEMPLATES.length === 0) return;
    fc.assert(
      fc.property(
        fc.constantFrom(...TEMPLATES),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (seed, ms) => validateChecked(ms.reduce(mutate, seed)),
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  it('survives mutated small playbooks', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...SMALL), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, ms) =>
        validateChecked(ms.reduce(mutate, seed)),
      ),
      { numRuns: 1_500, seed: SEED + 1 },
    );
  });

  it('survives every hostile snippet at every kind of place', { timeout: 60_000 }, () => {
    const seed = SMALL[0]!;
    const lines = seed.split('\n').length;
    for (const snippet of HOSTILE) {
      for (let line = 0; line < lines; line += 5) {
        const at = seed.split('\n').slice(0, line).join('\n').length;
        validateChecked(seed.slice(0, at) + snippet + seed.slice(at));
        // …and as the value of a field on that line.
        const ls = seed.split('\n');
        ls[line] = ls[line]!.replace(/: .*$/, `: ${snippet}`);
        validateChecked(ls.join('\n'));
      }
    }
  });

  it('survives random text', { timeout: 60_000 }, () => {
    const yamlish = fc.string({
      unit: fc.constantFrom(
        ...PUNCTUATION,
        'a',
        'b',
        '1',
        'kith',
        'id',
        'stages',
        'steps',
        '\u0000',
        'é',
        '😀',
      ),
      maxLength: 200,
    });
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 200 })), validateChecked),
      {
        numRuns: 1_000,
        seed: SEED + 2,
      },
    );
  });

  it('survives random values written as YAML and JSON', { timeout: 60_000 }, () => {
    const key = fc.constantFrom(
      'kith',
      'id',
      'name',
      'stages',
      'attract',
      'journeys',
      'journey',
      'on',
      'steps',
      'send',
      'via',
      'text',
      'wait',
      'if',
      'then',
      'offers',
      'price',
      'channels',
      'use',
      'with',
      'extends',
      'params',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'x',
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 5 }),
      ),
    }));
    const doc = fc.record(
      { kith: fc.constantFrom(1, 2, '1'), id: fc.string(), stages: value },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(doc, value), fc.boolean(), (v, json) => {
        validateChecked(json ? (JSON.stringify(v) ?? '') : stringify(v));
      }),
      { numRuns: 1_000, seed: SEED + 3 },
    );
  });
});
