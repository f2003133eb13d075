import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Diagnostic, ValidateResult } from '@kith/playbook';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO } from '../io.js';
import { run } from '../run.js';
import { createValidateCommand, type Validator } from './validate.js';

/**
 * A stand-in for `validatePlaybookFile` (the real one lives in @kith/playbook): an error for
 * every `use: tg`, a warning for every `TODO`, and a throw for a file containing `CRASH`.
 */
const fakeValidate: Validator = async (file) => {
  const text = readFileSync(file, 'utf8');
  if (text.includes('CRASH')) throw new Error('boom');
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    const mark = (needle: string, d: Pick<Diagnostic, 'severity' | 'code' | 'message' | 'hint' | 'zh'>) => {
      const col = line.indexOf(needle);
      if (col < 0) return;
      diagnostics.push({
        ...d,
        file,
        path: '',
        line: i + 1,
        column: col + 1,
        endLine: i + 1,
        endColumn: col + 1 + needle.length,
        offset: offset + col,
        endOffset: offset + col + needle.length,
      });
    };
    mark('tg', {
      severity: 'error',
      code: 'unknown-plugin',
      message: 'unknown plugin "tg"',
      hint: 'did you mean telegram?',
      zh: { message: '未知插件 "tg"', hint: '是否是 telegram？' },
    });
    mark('TODO', {
      severity: 'warning',
      code: 'todo',
      message: 'unfinished',
      hint: 'finish it',
      zh: { message: '未完成', hint: '完成它' },
    });
    offset += line.length + 1;
  });
  return { file, diagnostics, sources: new Map([[file, text]]) } satisfies ValidateResult;
};

const registry = [createValidateCommand(async () => fakeValidate)];
let root: string;

async function write(rel: string, text: string) {
  const p = join(root, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, text);
}

async function kith(argv: string[], cwd = root) {
  const io = memoryIO({ cwd });
  const code = await run(['validate', ...argv], io, registry);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-validate-'));
  await write('good/a.yaml', 'kith: 1\nid: a\n');
  await write('good/b.yaml', 'kith: 1\nid: b\n');
  await write('good/a.test.yaml', 'playbook: a.yaml\nuse: tg\n'); // not a playbook: skipped
  await write('warn/w.yaml', 'kith: 1\nid: w # TODO\n');
  await write('bad/x.yaml', 'kith: 1\nchannels:\n  g: { use: tg }\n');
  await write('bad/y.yaml', 'kith: 1\nid: y # TODO\n');
  await write('crash/c.yaml', 'kith: 1\n# CRASH\n');
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('kith validate', () => {
  it('validates the current directory by default and reports all valid', async () => {
    expect(await kith([], join(root, 'good'))).toEqual({ code: 0, out: '✔ 2 playbooks valid\n', err: '' });
  });

  it('exits 0 with warnings only', async () => {
    const r = await kith(['warn']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('warning[todo]: unfinished\n --> warn/w.yaml:2:9');
    expect(r.out.endsWith('⚠ 1 warning in 1 of 1 file\n')).toBe(true);
  });

  it('exits 1 with errors, grouping frames per file, with the summary last', async () => {
    const r = await kith(['bad', 'good']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        'bad/x.yaml',
        '',
        'error[unknown-plugin]: unknown plugin "tg"',
        ' --> bad/x.yaml:3:13',
        '  |',
        '1 | kith: 1',
        '2 | channels:',
        '3 |   g: { use: tg }',
        '  |             ^^',
        '4 |',
        '  |',
        '  = hint: did you mean telegram?',
        '',
        'bad/y.yaml',
        '',
        'warning[todo]: unfinished',
        ' --> bad/y.yaml:2:9',
        '  |',
        '1 | kith: 1',
        '2 | id: y # TODO',
        '  |         ^^^^',
        '3 |',
        '  |',
        '  = hint: finish it',
        '',
        '✖ 1 error, 1 warning in 2 of 4 files',
        '',
      ].join('\n'),
    );
  });

  it('hides warnings with --quiet', async () => {
    const r = await kith(['bad', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('warning');
    expect(r.out.endsWith('✖ 1 error in 1 of 2 files\n')).toBe(true);
  });

  it('prints only JSON on stdout with --json', async () => {
    const r = await kith(['bad', 'good/a.yaml', '--json']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ errors: 1, warnings: 1 });
    expect(json.files.map((f: { file: string }) => f.file)).toEqual([
      join('bad', 'x.yaml'),
      join('bad', 'y.yaml'),
      join('good', 'a.yaml'),
    ]);
    expect(json.files[0].diagnostics[0]).toMatchObject({ code: 'unknown-plugin', line: 3, column: 13 });
  });

  it('speaks Chinese with --lang zh-CN', async () => {
    const r = await kith(['bad', '--lang', 'zh-CN']);
    expect(r.out).toContain('错误[unknown-plugin]: 未知插件 "tg"');
    expect(r.out).toContain('  = 建议：是否是 telegram？');
    expect(r.out.endsWith('✖ 2 个文件中有 2 个存在问题：1 个错误、1 个警告\n')).toBe(true);
  });

  it('validates explicit files and globs', async () => {
    expect((await kith(['good/a.test.yaml'])).code).toBe(1); // explicit: validated even if not a playbook
    expect((await kith(['good/*.yaml'])).out).toBe('✔ 2 playbooks valid\n');
  });

  it('exits 2 naming a path that does not exist, printing nothing on stdout', async () => {
    const r = await kith(['good', 'nope.yaml']);
    expect(r).toEqual({
      code: 2,
      out: '',
      err: "error: no such file or directory: nope.yaml\nRun 'kith validate --help' for usage.\n",
    });
    const zh = await kith(['nope.yaml', '--lang', 'zh-CN', '--json']);
    expect(zh.code).toBe(2);
    expect(zh.out).toBe('');
    expect(zh.err).toContain('错误：文件或目录不存在：nope.yaml');
  });

  it('exits 2 when a glob matches nothing or no playbook is found', async () => {
    expect((await kith(['zzz/*.yaml'])).err).toContain('no files match the pattern: zzz/*.yaml');
    const empty = await kith([], join(root, 'crash', '..', 'good', '..', 'crash', '..'));
    expect(empty.code).toBe(1); // root holds playbooks (found recursively), some invalid
  });

  it('reports a validator crash as an error on that file and still reports the others', async () => {
    const r = await kith(['crash', 'good']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'error[internal-error]: could not validate this file: boom\n --> crash/c.yaml:1:1',
    );
    expect(r.out.endsWith('✖ 1 error in 1 of 3 files\n')).toBe(true);
  });

  it('has help', async () => {
    const r = await kith(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: kith validate [options] [paths...]');
    expect(r.out).toMatch(/--lang <lang> +language of messages/);
    expect(r.out).toMatch(/-q, --quiet/);
    expect(r.out).toContain('Exit codes:');
  });

  it('rejects an unknown flag with exit 2, listing the valid ones', async () => {
    const r = await kith(['--fix']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "unknown option '--fix' for 'kith validate'. Valid options: --json, --lang, -q/--quiet, -h/--help",
    );
  });
});
