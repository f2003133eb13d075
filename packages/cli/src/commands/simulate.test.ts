import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryIO } from '../io.js';
import { stripAnsi } from '../output/colors.js';
import { run } from '../run.js';

/** `kith simulate` end to end: a real playbook and profile in a temporary project, the real engine. */
const PLAYBOOK = `kith: 1
id: club
name: Club
timezone: UTC
channels:
  bot: { use: wecom }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hello
            send: { via: bot, text: "Hello", buttons: [{ text: "Hi!", value: hi }] }
          - id: answer
            wait: { event: button.clicked, timeout: 1d }
  activate:
    when: member.messages >= 2
    journeys: []
`;

const PROFILE = `kith-simulation: 1
members: 40
days: 4
seed: 5
start: 2026-03-02T00:00:00Z
behaviour:
  default: { reply: 0.5, click: 0.5 }
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kith-simulate-'));
  await mkdir(join(dir, 'club'));
  await writeFile(join(dir, 'club', 'playbook.yaml'), PLAYBOOK);
  await writeFile(join(dir, 'club', 'simulation.yaml'), PROFILE);
  await writeFile(join(dir, 'broken.yaml'), PLAYBOOK.replace('via: bot', 'via: nowhere'));
  await writeFile(join(dir, 'bad-profile.yaml'), 'kith-simulation: 1\nmembers: -3\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kith(args: string[], options: Parameters<typeof memoryIO>[0] = {}) {
  const io = memoryIO({ cwd: dir, ...options });
  const code = await run(['simulate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('kith simulate', () => {
  it('prints only JSON with --json, the same bytes for the same seed', async () => {
    const a = await kith(['club', '--json']);
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    const report = JSON.parse(a.out);
    expect(report).toMatchObject({ report: 'kith-simulation', settings: { members: 40, days: 4, seed: 5 } });
    expect(report.funnel.stages[0]).toMatchObject({ stage: 'attract', reached: 40 });
    const b = await kith(['club', '--json']);
    expect(b.out).toBe(a.out);
    const c = await kith(['club', '--json', '--seed', '6']);
    expect(c.out).not.toBe(a.out);
  });

  it('lets flags override the profile', async () => {
    const { code, out } = await kith(['club/playbook.yaml', '--json', '--members', '7', '--days', '2']);
    expect(code).toBe(0);
    expect(JSON.parse(out).settings).toMatchObject({ members: 7, days: 2, seed: 5 });
  });

  it('reads --profile instead of the one beside the playbook', async () => {
    await writeFile(join(dir, 'small.yaml'), PROFILE.replace('members: 40', 'members: 3'));
    const { out } = await kith(['club', '--json', '--profile', 'small.yaml']);
    expect(JSON.parse(out).settings.members).toBe(3);
  });

  it('prints a readable report, in colour when asked, with a progress bar on a terminal', async () => {
    const plain = await kith(['club']);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain('Funnel');
    expect(plain.out).toMatch(/attract\s+40\s+100\.0%/);
    expect(plain.out).toContain('bot (wecom)');
    expect(plain.out).toBe(stripAnsi(plain.out));
    expect(plain.err).toBe('');

    const tty = await kith(['club'], { isTTY: true, stderrIsTTY: true, env: { FORCE_COLOR: '1' } });
    expect(tty.out).not.toBe(stripAnsi(tty.out));
    expect(stripAnsi(tty.err)).toContain('simulating [');
    expect(stripAnsi(tty.out)).toContain('Funnel');
  });

  it('shows an invalid playbook at file:line:col and exits 1', async () => {
    const { code, err, out } = await kith(['broken.yaml']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/broken\.yaml:\d+:\d+/);
    expect(err).toContain('nowhere');
    const json = await kith(['broken.yaml', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).errors[0]).toMatchObject({ severity: 'error' });
  });

  it('shows an invalid profile at file:line:col and exits 1', async () => {
    const { code, err } = await kith(['club', '--profile', 'bad-profile.yaml']);
    expect(code).toBe(1);
    expect(err).toMatch(/bad-profile\.yaml:2:\d+/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await kith([])).code).toBe(2);
    expect((await kith(['nope.yaml'])).code).toBe(2);
    expect((await kith(['club', '--members', 'many'])).code).toBe(2);
    expect((await kith(['club', '--days', '0'])).code).toBe(2);
    expect((await kith(['club', '--profile', 'missing.yaml'])).code).toBe(2);
  });
});
