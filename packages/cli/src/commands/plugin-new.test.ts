import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO } from '../io.js';
import { run } from '../run.js';
import { commands } from './index.js';

const run$ = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..');
const repo = join(cli, '..', '..');

/**
 * Generates a plugin inside the workspace (under packages/cli, whose node_modules resolve
 * @kith/sdk; a dot-directory, so the repository's own test run never collects it) and runs the
 * generated contract test in a child vitest, on sources as the repository's tests run.
 */
let scratch: string;
beforeAll(async () => {
  await mkdir(join(cli, '.scratch'), { recursive: true });
  scratch = await mkdtemp(join(cli, '.scratch', 'plugin-new-'));
});
afterAll(() => rm(join(cli, '.scratch'), { recursive: true, force: true }));

async function kith(argv: string[], cwd = repo) {
  const io = memoryIO({ cwd });
  const code = await run(['plugin', 'new', ...argv], io, commands);
  return { code, out: io.out(), err: io.err() };
}

describe('kith plugin new', () => {
  it('scaffolds a channel plugin whose contract test passes', async () => {
    const dir = join(scratch, 'acme-chat');
    const r = await kith(['acme-chat', '--dir', dir]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created .*acme-chat \(12 files\)/);
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: '@kith/channel-acme-chat',
      peerDependencies: { '@kith/sdk': 'workspace:^' },
    });
    const tsconfig = JSON.parse(await readFile(join(dir, 'tsconfig.json'), 'utf8'));
    expect(tsconfig).toMatchObject({
      extends: '../../../../../tsconfig.base.json',
      references: [{ path: '../../../../sdk' }],
    });
    expect(await readFile(join(dir, 'src', 'plugin.ts'), 'utf8')).toContain("name: 'acme-chat'");

    await writeFile(
      join(dir, 'vitest.config.mjs'),
      `export default { resolve: { conditions: ['kith-source'] }, ssr: { resolve: { conditions: ['kith-source'] } }, test: { include: ['src/**/*.test.ts'] } };\n`,
    );
    const vitest = join(repo, 'node_modules', 'vitest', 'vitest.mjs');
    const { stdout } = await run$(process.execPath, [vitest, 'run', '--root', dir, '--reporter', 'json'], {
      cwd: dir,
      env: { ...process.env, CI: 'true', NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      success: boolean;
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
    };
    expect(report).toMatchObject({ success: true, numFailedTests: 0 });
    // Every case of the suite runs: the scaffold claims member and group targets, buttons and inbound.
    expect(report.numPassedTests).toBe(15);
    expect(report.numPendingTests).toBe(0);
  }, 120_000);

  it('refuses a bad name and a non-empty directory, with usage errors', async () => {
    expect((await kith(['Acme'])).code).toBe(2);
    expect((await kith([])).code).toBe(2);
    const dir = join(scratch, 'taken');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'x'), '');
    const r = await kith(['taken', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/already exists and is not empty/);
  });

  it('prints the created files with --json and honours --package', async () => {
    const dir = join(scratch, 'json-one');
    const r = await kith(['line', '--dir', dir, '--package', 'kith-channel-line', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { files: string[] };
    expect(out.files).toContain('src/contract.test.ts');
    expect(existsSync(join(dir, 'src', 'fake-provider.ts'))).toBe(true);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).name).toBe('kith-channel-line');
  });
});
