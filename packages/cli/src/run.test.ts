import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Command, defineCommand, langOption, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { memoryIO } from './io.js';
import { didYouMean, run } from './run.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const seen: unknown[] = [];
const echo = defineCommand({
  name: 'echo',
  summary: 'print the arguments',
  args: '[words...]',
  options: {
    upper: { type: 'boolean', short: 'u', description: 'upper-case' },
    times: { type: 'string', default: '1', description: 'repeat', valueName: 'n' },
    lang: langOption,
  },
  run({ values, positionals, io, lang }) {
    seen.push({ values, positionals, lang });
    const text = positionals.join(' ');
    const times = Number(values.times);
    if (!Number.isInteger(times)) throw new UsageError(`--times must be an integer, got '${values.times}'`);
    io.stdout.write(`${(values.upper ? text.toUpperCase() : text).repeat(times)}\n`);
    return 0;
  },
});
const pluginNew = defineCommand({
  name: 'plugin new',
  summary: 'scaffold a plugin',
  args: '<name>',
  options: {},
  run: ({ positionals, io }) => {
    io.stdout.write(`new plugin ${positionals[0]}\n`);
    return 0;
  },
});
const noArgs = defineCommand({ name: 'serve', summary: 'serve', options: {}, run: () => 0 });
const boom = defineCommand({
  name: 'boom',
  summary: 'crash',
  options: {},
  run: () => {
    throw new Error('kaboom');
  },
});
const registry: Command[] = [echo, pluginNew, noArgs, boom];

async function kith(argv: string[], registryOverride: Command[] = registry, env = {}) {
  const io = memoryIO({ env });
  const code = await run(argv, io, registryOverride);
  return { code, out: io.out(), err: io.err() };
}

describe('run: global', () => {
  it('prints the version from package.json', async () => {
    for (const flag of ['--version', '-v']) {
      expect(await kith([flag])).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
    }
  });

  it('prints the main help listing every command', async () => {
    for (const argv of [['--help'], ['-h'], [], ['help']]) {
      const r = await kith(argv);
      expect(r.code).toBe(0);
      expect(r.out).toContain('Usage: kith <command> [options]');
      expect(r.out).toMatch(/^ {2}echo +print the arguments$/m);
      expect(r.out).toMatch(/^ {2}plugin new +scaffold a plugin$/m);
    }
  });

  it('lists the built-in validate command by default', async () => {
    const r = await kith(['--help'], [...commands]);
    expect(r.out).toMatch(/^ {2}validate +check playbooks/m);
  });

  it('rejects an unknown command, suggesting a close one and naming the valid ones (exit 2)', async () => {
    const r = await kith(['ecoh']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("error: unknown command 'ecoh'. Did you mean 'echo'?");
    expect(r.err).toContain('Valid commands: echo, plugin new, serve, boom');
    expect(r.err).toContain("Run 'kith --help' for usage.");
  });

  it('rejects an unknown global option (exit 2)', async () => {
    const r = await kith(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--frobnicate'");
    expect(r.err).toContain('--help, --version');
  });

  it('turns an unexpected exception into exit 70 with the stack', async () => {
    const r = await kith(['boom']);
    expect(r.code).toBe(70);
    expect(r.err).toContain('internal error:');
    expect(r.err).toContain('kaboom');
  });

  it('speaks Chinese for usage errors when KITH_LANG=zh-CN', async () => {
    const r = await kith(['nope'], registry, { KITH_LANG: 'zh-CN' });
    expect(r.err).toMatch(/^错误：unknown command 'nope'/);
    expect(r.err).toContain("运行 'kith --help' 查看用法。");
  });
});

describe('run: commands', () => {
  it('parses options and positionals with defaults', async () => {
    seen.length = 0;
    expect(await kith(['echo', '-u', 'hi', '--times', '2'])).toEqual({ code: 0, out: 'HIHI\n', err: '' });
    expect(seen[0]).toEqual({ values: { upper: true, times: '2' }, positionals: ['hi'], lang: 'en' });
  });

  it('passes --lang, else KITH_LANG, else en', async () => {
    seen.length = 0;
    await kith(['echo', '--lang', 'zh-CN']);
    await kith(['echo'], registry, { KITH_LANG: 'zh-CN' });
    await kith(['echo'], registry, { KITH_LANG: 'fr' });
    expect(seen.map((s) => (s as { lang: string }).lang)).toEqual(['zh-CN', 'zh-CN', 'en']);
  });

  it('shows command help with options, including the added --help', async () => {
    for (const argv of [
      ['echo', '--help'],
      ['echo', '-h'],
      ['help', 'echo'],
    ]) {
      const r = await kith(argv);
      expect(r.code).toBe(0);
      expect(r.out).toContain('Usage: kith echo [options] [words...]');
      expect(r.out).toMatch(/^ {2}-u, --upper +upper-case$/m);
      expect(r.out).toMatch(/^ {6}--times <n> +repeat$/m);
      expect(r.out).toMatch(/^ {2}-h, --help +show this help$/m);
    }
  });

  it('rejects an unknown option, naming the valid ones (exit 2)', async () => {
    const r = await kith(['echo', '--loud', 'x']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      "unknown option '--loud' for 'kith echo'. Valid options: -u/--upper, --times, --lang, -h/--help",
    );
    expect(r.err).toContain("Run 'kith echo --help' for usage.");
    expect((await kith(['echo', '-x'])).err).toContain("unknown option '-x'");
  });

  it('rejects a bad choice, a missing value and a value for a boolean (exit 2)', async () => {
    const bad = await kith(['echo', '--lang', 'fr']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("invalid value 'fr' for --lang; expected one of: en, zh-CN");
    const missing = await kith(['echo', '--times']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("'--times <value>' argument missing");
    const boolValue = await kith(['echo', '--upper=yes']);
    expect(boolValue.code).toBe(2);
    expect(boolValue.err).toContain("'-u, --upper' does not take an argument");
  });

  it('maps a UsageError thrown by a command to exit 2', async () => {
    const r = await kith(['echo', '--times', 'x']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--times must be an integer, got 'x'");
  });

  it('rejects positionals for a command that takes none', async () => {
    const r = await kith(['serve', 'extra']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("'kith serve' takes no arguments, got: extra");
  });

  it('treats everything after -- as positionals', async () => {
    expect((await kith(['echo', '--', '--upper'])).out).toBe('--upper\n');
  });
});

describe('run: nested commands', () => {
  it('runs a two-word command', async () => {
    expect(await kith(['plugin', 'new', 'stripe'])).toEqual({ code: 0, out: 'new plugin stripe\n', err: '' });
  });

  it('shows the group help for `kith plugin --help` (exit 0) and `kith plugin` (stderr, exit 2)', async () => {
    const help = await kith(['plugin', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: kith plugin <command> [options]');
    expect(help.out).toMatch(/^ {2}plugin new +scaffold a plugin$/m);
    const bare = await kith(['plugin']);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('plugin new');
  });

  it('rejects an unknown subcommand, naming the valid ones', async () => {
    const r = await kith(['plugin', 'nwe']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'kith plugin nwe'. Did you mean 'new'? Valid: plugin new");
  });
});

describe('didYouMean', () => {
  it('suggests only close matches', () => {
    expect(didYouMean('valdate', ['validate', 'test'])).toBe(" Did you mean 'validate'?");
    expect(didYouMean('xyz', ['validate', 'test'])).toBe('');
  });
});

describe('kith worker: options', () => {
  const env = { DATABASE_URL: 'postgres://127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' };
  it('refuses a --drains or --concurrency that is not a positive integer, before connecting (exit 2)', async () => {
    for (const [flag, value] of [
      ['--drains', '0'],
      ['--drains', 'many'],
      ['--concurrency', '2.5'],
    ] as const) {
      const r = await kith(['worker', flag, value], commands, env);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${flag} must be a positive integer, got '${value}'`);
    }
  });

  it('lists --drains in its help', async () => {
    const r = await kith(['worker', '--help'], commands);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--drains <N>\s+event batches \(drain jobs/);
  });
});
