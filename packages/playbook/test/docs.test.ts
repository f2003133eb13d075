import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderDocs, slug } from '../scripts/write-docs.js';
import { type PlaybookHost, TEMPLATE_FILTERS, validatePlaybookText } from '../src/index.js';
import {
  EXPRESSION_ROOTS,
  extraTemplateRoots,
  MEMBER_FIELDS,
  TEMPLATE_ROOTS,
} from '../src/validate/variables.js';

const DOCS = fileURLToPath(new URL('../../../docs/playbook-language.md', import.meta.url));
const REGENERATE = 'cd packages/playbook && npx tsx --conditions=kith-source scripts/write-docs.ts';
const docs = readFileSync(DOCS, 'utf8');

/** Every ```yaml block, with the file name its first line may give (`# file: client.yaml`). */
const blocks = [...docs.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => {
  const before = docs.slice(0, m.index);
  return {
    text: m[1]!,
    name: /^# file: (\S+)/.exec(m[1]!)?.[1],
    line: before.split('\n').length + 1,
    section: [...before.matchAll(/^#+ (.+)$/gm)].at(-1)?.[1] ?? '',
  };
});
/** A block is a whole playbook when its first line that is not a comment is `kith: 1`. */
const playbooks = blocks.filter(
  (b) => b.text.split('\n').find((l) => l.trim() && !l.startsWith('#')) === 'kith: 1',
);

/** `extends: ./x.yaml` reaches the block named `# file: x.yaml`. */
const files = new Map(blocks.filter((b) => b.name).map((b) => [b.name!, b.text]));
const host: PlaybookHost = {
  resolveTemplate: (_from, spec) =>
    files.has(spec.replace(/^\.\//, '')) ? spec.replace(/^\.\//, '') : undefined,
  readFile: (path) => files.get(path) ?? '',
};

describe('docs/playbook-language.md', () => {
  it('is what scripts/write-docs.ts generates', () => {
    expect(docs === renderDocs(), `docs/playbook-language.md is out of date; run: ${REGENERATE}`).toBe(true);
  });

  it.each(playbooks.map((b) => [`#${slug(b.section)}`, b.line, b] as const))(
    'the example in %s at line %i validates without errors',
    (_section, _line, block) => {
      const { diagnostics } = validatePlaybookText(block.text, block.name ?? 'example.yaml', { host });
      const errors = diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => `${d.line + block.line - 1}: ${d.code}: ${d.message}`);
      expect(errors).toEqual([]);
    },
  );

  it('has whole-playbook examples for the main constructs', () => {
    expect(playbooks.length).toBeGreaterThanOrEqual(20);
  });

  it('links only to anchors it has, including #expressions for the validator’s hints', () => {
    const prose = docs.replace(/^```[\s\S]*?^```$/gm, '');
    const anchors = new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
    const links = [...prose.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((l) => !anchors.has(l))).toEqual([]);
    for (const a of ['expressions', 'templates', 'step-send', 'diagnostic-codes'])
      expect(anchors).toContain(a);
  });

  it('describes every variable, member field and Kith filter', () => {
    const d = parse(readFileSync(new URL('../docs-src/descriptions.yaml', import.meta.url), 'utf8')) as {
      filters: Record<string, string>;
      roots: Record<string, string>;
      member: Record<string, string>;
    };
    const roots = [
      ...TEMPLATE_ROOTS,
      ...EXPRESSION_ROOTS,
      ...extraTemplateRoots(['stages', 's', 'journeys', 0, 'steps', 0, 'offer', 'text']),
    ];
    expect(roots.filter((r) => !d.roots[r])).toEqual([]);
    expect(MEMBER_FIELDS.filter((f) => !d.member[f])).toEqual([]);
    expect(Object.keys(d.member).filter((f) => !(MEMBER_FIELDS as readonly string[]).includes(f))).toEqual(
      [],
    );
    expect(Object.keys(d.filters).filter((f) => !TEMPLATE_FILTERS.includes(f))).toEqual([]);
  });
});
