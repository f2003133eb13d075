import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO } from '../io.js';
import { run } from '../run.js';
import test from './test.js';

/** `kith test` end to end: real test files, the real runner on the engine, a temporary project. */
const PLAYBOOK = `kith: 1
id: club
name: Club
timezone: UTC
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: tg, text: "Hello {{ member.name }}" }
          - id: reply
            wait: { event: message.received, timeout: 1d }
          - id: reward
            score: { points: 5 }
  activate:
    when: member.points >= 5
    journeys: []
  transact:
    when: member.points >= 50
    journeys: []
`;

const PASSING = `kith-test: 1
name: a member is greeted
members:
  ann: { name: Ann }
timeline:
  - at: 0s
    expect:
      messages: [{ to: ann, contains: Hello Ann }]
      stage: { ann: attract }
`;

const FAILING = `kith-test: 1
name: replying activates
members:
  ann: { name: Ann }
timeline:
  - at: 1h
    event: message.received
    member: ann
    data: { text: hi }
    expect:
      stage: { ann: transact }
      points: { ann: 5 }
`;

const INVALID = `kith-test: 1
name: broken
members: { ann: {} }
timeline:
  - at: later
`;

let root: string;

async function write(rel: string, text: string) {
  const p = join(root, rel);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, text);
}

async function kith(argv: string[], cwd = root) {
  const io = memoryIO({ cwd });
  const code = await run(['test', ...argv], io, [test]);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-test-'));
  await write('club/playbook.yaml', PLAYBOOK);
  await write('club/tests/pass.test.yaml', PASSING);
  await write('club/tests/fail.test.yaml', FAILING.replace('transact', 'activate'));
  await write('bad/playbook.yaml', PLAYBOOK);
  await write('bad/tests/fail.test.yaml', FAILING);
  await write('bad/tests/invalid.test.yaml', INVALID);
  await write('bad/node_modules/x/tests/ignored.test.yaml', INVALID);
  await write('empty/readme.md', '# nothing here');
});

afterAll(() => rm(root, { recursive: true, force: true }));

const lines = (s: string) => s.split('\n');

describe('kith test', () => {
  it('runs every *.test.yaml below the current directory and exits 0 when all pass', async () => {
    const r = await kith([], join(root, 'club'));
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const out = lines(r.out);
    expect(out[0]).toMatch(/^✔ tests\/fail\.test\.yaml › replying activates \(\d+ ms\)$/);
    expect(out[1]).toMatch(/^✔ tests\/pass\.test\.yaml › a member is greeted \(\d+ ms\)$/);
    expect(out.at(-2)).toBe('2 passed, 0 failed');
  });

  it('shows each failure as a code frame at its expectation, with the messages sent, and exits 1', async () => {
    const r = await kith(['bad']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^✖ bad\/tests\/fail\.test\.yaml › replying activates \(\d+ ms\)$/m);
    expect(r.out).toMatch(/^✖ bad\/tests\/invalid\.test\.yaml › broken \[invalid test\] \(\d+ ms\)$/m);
    expect(r.out).not.toContain('ignored');
    expect(r.out).toContain(
      [
        'error[expect-stage]: `ann`: stage is `activate`, expected `transact`',
        '  --> bad/tests/fail.test.yaml:11:21',
        '   |',
        ' 9 |     data: { text: hi }',
        '10 |     expect:',
        '11 |       stage: { ann: transact }',
        '   |                     ^^^^^^^^',
        '12 |       points: { ann: 5 }',
        '   |',
        '   = hint: The playbook behaved differently from what the test expects.',
        '  expected: "transact"',
        '  actual:   "activate"',
        '',
        '  messages sent since the start (1):',
        '    → ann via tg · welcome.hello · 2026-01-05T00:00:00.000Z',
        '      Hello Ann',
      ].join('\n'),
    );
    expect(r.out).toContain('error[invalid-duration]: `later` is not a duration');
    expect(r.out).toContain(' --> bad/tests/invalid.test.yaml:5:9');
    expect(lines(r.out).at(-2)).toBe('0 passed, 2 failed');
  });

  it('takes files and globs, in argument order', async () => {
    const r = await kith(['club/tests/pass.test.yaml', 'bad/**/fail.test.yaml']);
    expect(r.code).toBe(1);
    const marks = lines(r.out).filter((l) => /^[✔✖]/.test(l));
    expect(marks.map((l) => l.split(' ')[1])).toEqual([
      'club/tests/pass.test.yaml',
      'bad/tests/fail.test.yaml',
    ]);
    expect(lines(r.out).at(-2)).toBe('1 passed, 1 failed');
  });

  it('prints only JSON with --json', async () => {
    const r = await kith(['bad', 'club', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      tests: { file: string; status: string; failures: { code: string; line: number; column: number }[] }[];
      passed: number;
      failed: number;
    };
    expect({ passed: report.passed, failed: report.failed }).toEqual({ passed: 2, failed: 2 });
    expect(report.tests.map((t) => [t.file, t.status])).toEqual([
      ['bad/tests/fail.test.yaml', 'failed'],
      ['bad/tests/invalid.test.yaml', 'invalid'],
      ['club/tests/fail.test.yaml', 'passed'],
      ['club/tests/pass.test.yaml', 'passed'],
    ]);
    expect(report.tests[0]!.failures.map((f) => [f.code, f.line, f.column])).toEqual([
      ['expect-stage', 11, 21],
    ]);
  });

  it('speaks Chinese with --lang zh-CN, keeping the summary line CI reads', async () => {
    const r = await kith(['bad/tests/fail.test.yaml', '--lang', 'zh-CN']);
    expect(r.out).toContain('错误[expect-stage]: `ann`：阶段为 `activate`，预期为 `transact`');
    expect(r.out).toContain('  预期： "transact"');
    expect(r.out).toContain('  自开始以来发送的消息（1 条）：');
    expect(lines(r.out).at(-2)).toBe('0 passed, 1 failed');
  });

  it('is a usage error (exit 2) when a path is missing or no test files are found', async () => {
    const missing = await kith(['nope']);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toContain('no such file or directory: nope');
    const empty = await kith(['empty']);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('no test files found in empty');
  });
});
