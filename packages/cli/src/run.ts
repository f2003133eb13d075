import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  type Command,
  type CommandContext,
  EXIT,
  type OptionSpec,
  type OptionSpecs,
  UsageError,
} from './command.js';
import { commands as builtinCommands } from './commands/index.js';
import { isLang, type Lang, messages } from './i18n.js';
import type { CliIO } from './io.js';
import { type Colors, colorsFor } from './output/colors.js';

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** The version in this package's package.json (same relative path from `src/` and `dist/`). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * Runs `kith` with the arguments after the program name and returns the exit code. Never calls
 * `process.exit` and never touches `process` except through `io`, so tests can call it directly.
 * `registry` defaults to the built-in commands; tests may pass their own.
 */
export async function run(
  argv: readonly string[],
  io: CliIO,
  registry: readonly Command[] = builtinCommands,
): Promise<number> {
  const errColors = colorsFor(io.stderr, io.env);
  const envLang: Lang = io.env.KITH_LANG && isLang(io.env.KITH_LANG) ? io.env.KITH_LANG : 'en';
  const args = [...argv];

  try {
    // `kith help [command...]` is `kith [command...] --help`.
    if (args[0] === 'help') {
      args.shift();
      if (args.length === 0) return printMainHelp(io, registry);
      args.push('--help');
    }
    const first = args[0];
    if (first === undefined || first === '-h' || first === '--help') return printMainHelp(io, registry);
    if (first === '-v' || first === '--version') {
      io.stdout.write(`${version()}\n`);
      return EXIT.ok;
    }
    if (first.startsWith('-')) {
      throw new UsageError(
        `unknown option '${first}' (before any command). Global options: --help, --version.\n` +
          `Commands: ${names(registry).join(', ')}`,
      );
    }

    const found = resolve(args, registry);
    if (found.kind === 'group') {
      if (found.rest.length === 0) {
        io.stderr.write(groupHelp(found.prefix, found.children));
        return EXIT.usage;
      }
      if (found.rest[0] === '--help' || found.rest[0] === '-h') {
        io.stdout.write(groupHelp(found.prefix, found.children));
        return EXIT.ok;
      }
      const bad = found.rest[0]!;
      const words = found.children.map((c) => c.name.slice(found.prefix.length + 1));
      throw new UsageError(
        `unknown command 'kith ${found.prefix} ${bad}'.${didYouMean(bad, words)} Valid: ${words.map((w) => `${found.prefix} ${w}`).join(', ')}`,
      );
    }
    if (found.kind === 'none') {
      throw new UsageError(
        `unknown command '${first}'.${didYouMean(first, names(registry))} Valid commands: ${names(registry).join(', ')}`,
      );
    }

    const { command, rest } = found;
    let lang = envLang;
    try {
      const parsed = parseCommandArgs(command, rest);
      if (parsed.values.help === true) {
        io.stdout.write(commandHelp(command));
        return EXIT.ok;
      }
      const langValue = parsed.values.lang;
      if (typeof langValue === 'string' && isLang(langValue)) lang = langValue;
      const ctx: CommandContext = {
        values: parsed.values as CommandContext['values'],
        positionals: parsed.positionals,
        io,
        colors: { stdout: colorsFor(io.stdout, io.env), stderr: errColors },
        lang,
        name: command.name,
      };
      return await command.run(ctx);
    } catch (e) {
      if (e instanceof UsageError) {
        printUsageError(io, errColors, lang, e.message, command.name);
        return EXIT.usage;
      }
      throw e;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      printUsageError(io, errColors, envLang, e.message);
      return EXIT.usage;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`${errColors.red(errColors.bold('internal error:'))} ${err.stack ?? err.message}\n`);
    io.stderr.write('This is a bug in kith; please report it.\n');
    return EXIT.internal;
  }
}

function printUsageError(io: CliIO, c: Colors, lang: Lang, message: string, command?: string): void {
  const m = messages(lang);
  const sep = lang === 'zh-CN' ? '' : ' ';
  const help = m.seeHelp(command ? `kith ${command}` : 'kith');
  io.stderr.write(`${c.red(c.bold(m.errorLabel))}${sep}${message}\n${c.dim(help)}\n`);
}

function names(registry: readonly Command[]): string[] {
  return registry.map((c) => c.name);
}

type Resolved =
  | { kind: 'command'; command: Command; rest: string[] }
  | { kind: 'group'; prefix: string; children: Command[]; rest: string[] }
  | { kind: 'none' };

/** Longest command name matching the leading words of argv; or a group prefix (`plugin`). */
function resolve(args: string[], registry: readonly Command[]): Resolved {
  let best: { command: Command; words: number } | undefined;
  for (const command of registry) {
    const words = command.name.split(' ');
    if (words.every((w, i) => args[i] === w) && (!best || words.length > best.words)) {
      best = { command, words: words.length };
    }
  }
  if (best) return { kind: 'command', command: best.command, rest: args.slice(best.words) };
  for (let n = args.length; n >= 1; n--) {
    const prefix = args.slice(0, n).join(' ');
    const children = registry.filter((c) => c.name.startsWith(`${prefix} `));
    if (children.length > 0) return { kind: 'group', prefix, children, rest: args.slice(n) };
  }
  return { kind: 'none' };
}

interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

function parseCommandArgs(command: Command, args: string[]): Parsed {
  const specs: OptionSpecs = { ...command.options, help: HELP_OPTION };
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => {
      const o: {
        type: 'string' | 'boolean';
        short?: string;
        multiple?: boolean;
        default?: OptionSpec['default'];
      } = {
        type: s.type,
      };
      if (s.short) o.short = s.short;
      if (s.multiple) o.multiple = true;
      if (s.default !== undefined) o.default = s.default;
      return [name, o];
    }),
  );
  const valid = Object.entries(specs)
    .map(([name, s]) => (s.short ? `-${s.short}/--${name}` : `--${name}`))
    .join(', ');

  // First pass without strictness, to name unknown options ourselves (and list the valid ones).
  const loose = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of loose.tokens ?? []) {
    if (t.kind === 'option' && !(t.name in specs)) {
      throw new UsageError(
        `unknown option '${t.rawName}' for 'kith ${command.name}'. Valid options: ${valid}`,
      );
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    const message =
      e instanceof Error ? e.message.replace(/\.?\s*To specify a positional argument.*$/s, '') : String(e);
    throw new UsageError(message);
  }
  const values = parsed.values as Parsed['values'];
  if (values.help === true) return { values, positionals: parsed.positionals };
  for (const [name, s] of Object.entries(command.options)) {
    const v = values[name];
    if (!s.choices || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item === 'string' && !s.choices.includes(item)) {
        throw new UsageError(
          `invalid value '${item}' for --${name}; expected one of: ${s.choices.join(', ')}`,
        );
      }
    }
  }
  if (!command.args && parsed.positionals.length > 0) {
    throw new UsageError(`'kith ${command.name}' takes no arguments, got: ${parsed.positionals.join(' ')}`);
  }
  return { values, positionals: parsed.positionals };
}

/** ` Did you mean 'validate'?` when something is close enough, else ''. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(input, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3))
    ? ` Did you mean '${best}'?`
    : '';
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

// ---------------------------------------------------------------------------------------------
// Help

function printMainHelp(io: CliIO, registry: readonly Command[]): number {
  io.stdout.write(mainHelp(registry));
  return EXIT.ok;
}

export function mainHelp(registry: readonly Command[]): string {
  const rows = registry.map((c) => [c.name, c.summary] as [string, string]);
  return [
    `kith ${version()}: validate, test and simulate community playbooks`,
    '',
    'Usage: kith <command> [options]',
    '',
    'Commands:',
    ...table(rows),
    '',
    'Options:',
    ...table([
      ['-h, --help', 'show help (also: kith <command> --help)'],
      ['-v, --version', 'print the version'],
    ]),
    '',
    'Environment: NO_COLOR / FORCE_COLOR control colours; KITH_LANG=zh-CN switches the language.',
    '',
  ].join('\n');
}

function groupHelp(prefix: string, children: Command[]): string {
  return [
    `Usage: kith ${prefix} <command> [options]`,
    '',
    'Commands:',
    ...table(children.map((c) => [c.name, c.summary] as [string, string])),
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const specs: OptionSpecs = { ...command.options, help: HELP_OPTION };
  const out = [`Usage: kith ${command.name} [options]${command.args ? ` ${command.args}` : ''}`, ''];
  out.push(command.description ?? command.summary, '');
  if (command.argsHelp?.length) out.push('Arguments:', ...table(command.argsHelp), '');
  const rows = Object.entries(specs).map(([name, s]): [string, string] => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` <${s.valueName ?? 'value'}>` : ''}`;
    return [flag, s.description];
  });
  out.push('Options:', ...table(rows), '');
  if (command.epilog) out.push(command.epilog.trimEnd(), '');
  return out.join('\n');
}

function table(rows: [string, string][]): string[] {
  const w = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`);
}
