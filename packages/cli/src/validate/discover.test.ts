import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../command.js';
import { discoverPlaybooks, startsWithKithKey } from './discover.js';

let root: string;
const PLAYBOOK = 'kith: 1\nid: x\n';

function write(rel: string, text: string) {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kith-discover-'));
  write('a.yaml', PLAYBOOK);
  write('b.yml', '# a comment\n\n---\nkith: 1\n');
  write('sub/c.yaml', '%YAML 1.2\n--- # doc\n"kith": 1\n');
  write('sub/c.test.yaml', 'playbook: ../a.yaml\ncases: []\n');
  write('sub/profile.yaml', 'simulate: { members: 10 }\nkith: 1\n');
  write('notes.txt', PLAYBOOK);
  write('node_modules/pkg/p.yaml', PLAYBOOK);
  write('dist/p.yaml', PLAYBOOK);
  write('.kith/p.yaml', PLAYBOOK);
  write('deep/dist/p.yaml', PLAYBOOK);
  write('custom.kith', 'anything');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const rel = (ps: string[]) => ps.map((p) => p.slice(root.length + 1).replace(/\\/g, '/'));

describe('discoverPlaybooks', () => {
  it('expands a directory to its playbooks, skipping non-playbooks, node_modules, dist and .kith', async () => {
    expect(rel(await discoverPlaybooks(['.'], root))).toEqual(['a.yaml', 'b.yml', 'sub/c.yaml']);
  });

  it('takes explicit files as they are, whatever their name or content', async () => {
    expect(rel(await discoverPlaybooks(['custom.kith', 'sub/c.test.yaml', 'dist/p.yaml'], root))).toEqual([
      'custom.kith',
      'sub/c.test.yaml',
      'dist/p.yaml',
    ]);
  });

  it('expands globs, keeping only playbooks', async () => {
    expect(rel(await discoverPlaybooks(['sub/*.yaml'], root))).toEqual(['sub/c.yaml']);
    expect(rel(await discoverPlaybooks(['**/*.y*ml'], root))).toEqual(['a.yaml', 'b.yml', 'sub/c.yaml']);
  });

  it('searches a skipped directory when the glob names it', async () => {
    expect(rel(await discoverPlaybooks(['dist/*.yaml'], root))).toEqual(['dist/p.yaml']);
  });

  it('keeps argument order and drops duplicates', async () => {
    expect(rel(await discoverPlaybooks(['sub', 'a.yaml', '.', join(root, 'a.yaml')], root))).toEqual([
      'sub/c.yaml',
      'a.yaml',
      'b.yml',
    ]);
  });

  it('names a path that does not exist', async () => {
    await expect(discoverPlaybooks(['a.yaml', 'missing.yaml'], root)).rejects.toThrow(
      new UsageError('no such file or directory: missing.yaml'),
    );
    await expect(discoverPlaybooks(['missing.yaml'], root, 'zh-CN')).rejects.toThrow(
      '文件或目录不存在：missing.yaml',
    );
  });

  it('names a glob that matches nothing', async () => {
    await expect(discoverPlaybooks(['nope/*.yaml'], root)).rejects.toThrow(
      'no files match the pattern: nope/*.yaml',
    );
  });

  it('fails when nothing at all is found', async () => {
    await expect(discoverPlaybooks(['deep'], root)).rejects.toThrow(/^no playbooks found in deep /);
  });
});

describe('startsWithKithKey', () => {
  it.each([
    ['kith: 1', true],
    ['\uFEFFkith: 1', true],
    ['# c\n  \nkith: 1', true],
    ['---\nkith: 1', true],
    ["'kith': 1", true],
    ['kith:\n  1', true],
    ['kithx: 1', false],
    ['id: x\nkith: 1', false],
    ['kith-test: 1', false],
    ['# only comments', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(startsWithKithKey(text)).toBe(expected);
  });
});
