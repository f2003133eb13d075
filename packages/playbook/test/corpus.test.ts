/**
 * The corpus of broken playbooks: every `test/corpus/<case>.yaml` is validated from disk and its
 * diagnostics must equal, exactly and in order, the list in `<case>.expected.yaml` (see
 * test/corpus/README.md). A few cases that cannot live in a file (too large, missing) are built
 * here. `KITH_CORPUS_WRITE=1` rewrites the expectation files from the validator's output — then
 * read every changed position by eye before committing.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Diagnostic, MESSAGES, validatePlaybookFile, validatePlaybookText } from '../src/index.js';
import { DEFAULT_LIMITS } from '../src/load/limits.js';

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));
const WRITE = process.env.KITH_CORPUS_WRITE === '1';

/** One expected diagnostic: where it is and what kind, not its wording. */
interface Expected {
  severity: string;
  code: string;
  line: number;
  column: number;
  /** The file it is in, relative to test/corpus/, when not the case file itself. */
  file?: string;
  /** The name a "Did you mean …?" hint proposes, when there is one. */
  suggestion?: string;
}

const cases = readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.expected.yaml'))
  .sort();

function suggestionOf(d: Diagnostic): string | undefined {
  return /Did you mean `([^`]+)`\?/.exec(d.hint)?.[1];
}

function summarize(ds: Diagnostic[], caseFile?: string): Expected[] {
  return ds.map((d) => {
    const e: Expected = { severity: d.severity, code: d.code, line: d.line, column: d.column };
    const file = relative(CORPUS, d.file).split('\\').join('/');
    if (caseFile !== undefined && file !== caseFile) e.file = file;
    const suggestion = suggestionOf(d);
    if (suggestion !== undefined) e.suggestion = suggestion;
    return e;
  });
}

/** The text a diagnostic points at, for the comment beside it in the expectation file. */
function snippet(d: Diagnostic, sources: Map<string, string>): string {
  const text = sources.get(d.file) ?? '';
  const line = text.split('\n')[d.line - 1] ?? '';
  const end = d.endLine === d.line ? d.endColumn - 1 : line.length;
  let s = line.slice(d.column - 1, Math.max(end, d.column)).trimEnd();
  if (s.length > 40) s = `${s.slice(0, 39)}…`;
  // JSON escapes control characters (tabs, NUL) so that the comment stays on one line.
  return JSON.stringify(s).slice(1, -1);
}

function expectationText(caseFile: string, ds: Diagnostic[], sources: Map<string, string>): string {
  const lines = [`# Diagnostics of ${caseFile}, in order. Format: README.md.`];
  for (const [i, e] of summarize(ds, caseFile).entries()) {
    const fields = Object.entries(e)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    lines.push(`- { ${fields} } # ${snippet(ds[i]!, sources)}`);
  }
  return `${lines.join('\n')}\n`;
}

function readExpected(caseFile: string): Expected[] {
  const path = join(CORPUS, caseFile.replace(/\.yaml$/, '.expected.yaml'));
  return (parse(readFileSync(path, 'utf8')) ?? []) as Expected[];
}

/** Cases built in code, with their expectations. */
const GENERATED: { name: string; run: () => Promise<Diagnostic[]>; expected: Expected[] }[] = [
  {
    // Not committed: a file past the size limit is refused before it is parsed.
    name: 'huge-file (generated)',
    run: async () => {
      const text = `kith: 1\nid: huge\nname: Huge\ndescription: ${'x'.repeat(DEFAULT_LIMITS.maxChars)}\n`;
      return validatePlaybookText(text, 'huge.yaml').diagnostics;
    },
    expected: [{ severity: 'error', code: 'file-too-large', line: 1, column: 1 }],
  },
  {
    // The playbook named by a relative path, reached again through the template by an absolute one.
    name: 'extends-cycle.yaml by a relative path (generated)',
    run: async () =>
      (await validatePlaybookFile(relative(process.cwd(), join(CORPUS, 'extends-cycle.yaml')))).diagnostics,
    expected: [{ severity: 'error', code: 'extends-cycle', line: 4, column: 10 }],
  },
  {
    name: 'missing-file (generated)',
    run: async () => (await validatePlaybookFile(join(CORPUS, 'no-such-case.yaml'))).diagnostics,
    expected: [{ severity: 'error', code: 'file-not-found', line: 1, column: 1 }],
  },
];

describe('corpus of broken playbooks', () => {
  it.skipIf(WRITE)('has at least 40 cases, each with an expectation file', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const expectations = readdirSync(CORPUS).filter((f) => f.endsWith('.expected.yaml'));
    expect(expectations.sort()).toEqual(cases.map((c) => c.replace(/\.yaml$/, '.expected.yaml')));
  });

  for (const caseFile of cases) {
    it(caseFile, async () => {
      const result = await validatePlaybookFile(join(CORPUS, caseFile));
      if (WRITE) {
        const out = join(CORPUS, caseFile.replace(/\.yaml$/, '.expected.yaml'));
        writeFileSync(out, expectationText(caseFile, result.diagnostics, result.sources));
      }
      const actual = summarize(result.diagnostics, caseFile);
      expect(actual).toEqual(readExpected(caseFile));
      // Every case is broken: at least one error, and no playbook comes back.
      expect(result.diagnostics.length).toBeGreaterThan(0);
      if (result.diagnostics.some((d) => d.severity === 'error')) expect(result.playbook).toBeUndefined();
      for (const d of result.diagnostics) {
        expect(d.message).not.toBe('');
        expect(d.hint).not.toBe('');
        expect(d.zh.message).not.toBe('');
        expect(d.zh.hint).not.toBe('');
      }
    });
  }

  for (const g of GENERATED) {
    it(g.name, async () => {
      expect(summarize(await g.run())).toEqual(g.expected);
    });
  }
});

describe('diagnostic codes', () => {
  /** Codes no corpus case can produce, and why. */
  const NOT_IN_CORPUS: Record<string, string> = {
    'plugin-unknown':
      'needs the plugin catalogue: checked where plugins are installed (server, CLI), not by @kith/playbook',
    'plugin-config':
      'needs the plugin’s own configuration schema from the plugin catalogue, outside @kith/playbook',
  };

  it('every code in MESSAGES is produced by a corpus case or allow-listed with a reason', () => {
    const produced = new Set<string>();
    for (const c of cases) for (const e of readExpected(c)) produced.add(e.code);
    for (const g of GENERATED) for (const e of g.expected) produced.add(e.code);
    const missing = Object.keys(MESSAGES).filter((code) => !produced.has(code) && !(code in NOT_IN_CORPUS));
    expect(missing).toEqual([]);
    // The allow-list holds only real codes that are in fact not covered.
    for (const code of Object.keys(NOT_IN_CORPUS)) {
      expect(MESSAGES).toHaveProperty(code);
      expect(produced.has(code)).toBe(false);
    }
    // And the corpus produces no code that MESSAGES lacks.
    expect([...produced].filter((code) => !(code in MESSAGES))).toEqual([]);
  });
});
