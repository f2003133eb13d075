import { join } from 'node:path';
import type { Diagnostic, ValidateResult } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { createColors, stripAnsi } from '../output/colors.js';
import { buildReport, displayPath, renderReport, summaryLine, toJsonReport } from './report.js';

const CWD = join('/', 'work', 'project');
const abs = (rel: string) => join(CWD, rel);

const WELCOME = [
  'kith: 1',
  'id: welcome',
  'extends: ../templates/base.yaml',
  'channels:',
  '  group: { use: tg }',
  '',
].join('\n');
const BASE = ['kith: 1', 'id: base', 'timezone: Mars/Olympus', ''].join('\n');

function diag(
  file: string,
  source: string,
  line: number,
  text: string,
  over: Partial<Diagnostic> = {},
): Diagnostic {
  const l = source.split('\n')[line - 1]!;
  const column = l.indexOf(text) + 1;
  const offset =
    source
      .split('\n')
      .slice(0, line - 1)
      .join('\n').length +
    (line > 1 ? 1 : 0) +
    column -
    1;
  return {
    severity: 'error',
    code: 'unknown-plugin',
    message: `unknown plugin "${text}"`,
    hint: 'install it or fix the name',
    zh: { message: `未知插件 "${text}"`, hint: '安装它或修正名称' },
    file,
    path: '/x',
    line,
    column,
    endLine: line,
    endColumn: column + text.length,
    offset,
    endOffset: offset + text.length,
    ...over,
  };
}

const tz = (file: string) =>
  diag(file, BASE, 3, 'Mars/Olympus', {
    code: 'unknown-timezone',
    message: 'unknown time zone "Mars/Olympus"',
    hint: 'use an IANA name such as Asia/Shanghai',
    zh: { message: '未知时区 "Mars/Olympus"', hint: '使用 IANA 名称，例如 Asia/Shanghai' },
    severity: 'warning',
  });

function results(): ValidateResult[] {
  const welcome = abs('playbooks/welcome.yaml');
  const base = abs('templates/base.yaml');
  return [
    {
      file: abs('playbooks/ok.yaml'),
      diagnostics: [],
      sources: new Map([[abs('playbooks/ok.yaml'), 'kith: 1\n']]),
    },
    {
      file: welcome,
      // Out of order, with a template's diagnostic first and a duplicate: the report sorts and dedupes.
      diagnostics: [tz(base), diag(welcome, WELCOME, 5, 'tg'), diag(welcome, WELCOME, 5, 'tg')],
      sources: new Map([
        [welcome, WELCOME],
        [base, BASE],
      ]),
    },
  ];
}

const EXPECTED_EN = `playbooks/welcome.yaml

error[unknown-plugin]: unknown plugin "tg"
 --> playbooks/welcome.yaml:5:17
  |
3 | extends: ../templates/base.yaml
4 | channels:
5 |   group: { use: tg }
  |                 ^^
6 |
  |
  = hint: install it or fix the name

warning[unknown-timezone]: unknown time zone "Mars/Olympus"
 --> templates/base.yaml:3:11
  |
1 | kith: 1
2 | id: base
3 | timezone: Mars/Olympus
  |           ^^^^^^^^^^^^
4 |
  |
  = hint: use an IANA name such as Asia/Shanghai

✖ 1 error, 1 warning in 1 of 2 files
`;

describe('renderReport', () => {
  it('groups code frames per file (own diagnostics first), then a summary', () => {
    expect(renderReport(results(), { cwd: CWD })).toBe(EXPECTED_EN);
  });

  it('is the same text with colours stripped', () => {
    const colored = renderReport(results(), { cwd: CWD, colors: createColors(true) });
    expect(colored).not.toBe(EXPECTED_EN);
    expect(stripAnsi(colored)).toBe(EXPECTED_EN);
  });

  it('hides warnings with quiet', () => {
    const out = renderReport(results(), { cwd: CWD, quiet: true });
    expect(out).not.toContain('unknown-timezone');
    expect(out.endsWith('✖ 1 error in 1 of 2 files\n')).toBe(true);
  });

  it('speaks Chinese: messages, hints, labels and summary', () => {
    const out = renderReport(results(), { cwd: CWD, lang: 'zh-CN' });
    expect(out).toContain('错误[unknown-plugin]: 未知插件 "tg"');
    expect(out).toContain('  = 建议：安装它或修正名称');
    expect(out).toContain('警告[unknown-timezone]: 未知时区 "Mars/Olympus"');
    expect(out.endsWith('✖ 2 个文件中有 1 个存在问题：1 个错误、1 个警告\n')).toBe(true);
  });

  it('prints only the summary when everything is valid', () => {
    const ok = results().slice(0, 1);
    expect(renderReport(ok, { cwd: CWD })).toBe('✔ 1 playbook valid\n');
    expect(renderReport(ok, { cwd: CWD, lang: 'zh-CN' })).toBe('✔ 1 个剧本全部有效\n');
  });

  it('shows a frame without source lines when the source is missing', () => {
    const [ok, bad] = results();
    const out = renderReport([ok!, { ...bad!, sources: new Map() }], { cwd: CWD });
    expect(out).toContain(
      'error[unknown-plugin]: unknown plugin "tg"\n --> playbooks/welcome.yaml:5:17\n  = hint:',
    );
  });

  it('finds sources keyed by relative paths', () => {
    const [, bad] = results();
    const sources = new Map([...bad!.sources].map(([k, v]) => [displayPath(k, CWD), v]));
    expect(renderReport([results()[0]!, { ...bad!, sources }], { cwd: CWD })).toBe(EXPECTED_EN);
  });
});

describe('buildReport / JSON', () => {
  it('counts, sorts, dedupes and shows paths relative to cwd', () => {
    const report = buildReport(results(), { cwd: CWD });
    expect(report.errors).toBe(1);
    expect(report.warnings).toBe(1);
    expect(report.filesWithProblems).toBe(1);
    const json = toJsonReport(report);
    expect(Object.keys(json)).toEqual(['files', 'errors', 'warnings']);
    expect(json.files.map((f) => f.file)).toEqual(['playbooks/ok.yaml', 'playbooks/welcome.yaml']);
    expect(json.files[1]!.diagnostics.map((d) => [d.file, d.code])).toEqual([
      ['playbooks/welcome.yaml', 'unknown-plugin'],
      ['templates/base.yaml', 'unknown-timezone'],
    ]);
    expect(json.files[1]!.diagnostics[0]).toMatchObject({
      line: 5,
      column: 17,
      zh: { message: '未知插件 "tg"' },
    });
  });

  it('does not count notes as problems', () => {
    const [ok] = results();
    const note = {
      ...diag(ok!.file, 'kith: 1\n', 1, 'kith'),
      severity: 'info' as const,
      code: 'deprecated-x',
    };
    const report = buildReport([{ ...ok!, diagnostics: [note] }], { cwd: CWD });
    expect(summaryLine(report, 1, 'en')).toBe('✔ 1 playbook valid (1 note)');
  });

  it('keeps paths outside cwd absolute', () => {
    expect(displayPath(join('/', 'elsewhere', 'x.yaml'), CWD)).toBe(join('/', 'elsewhere', 'x.yaml'));
    expect(displayPath('playbooks/a.yaml', CWD)).toBe(join('playbooks', 'a.yaml'));
  });
});
