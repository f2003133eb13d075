import type { Lang } from './i18n.js';
import type { CliIO } from './io.js';
import type { Colors } from './output/colors.js';

/**
 * How a subcommand is declared. One file per command under `src/commands/`, default-exporting
 * `defineCommand({...})`, listed once in `src/commands/index.ts`. The framework parses the
 * arguments with `node:util` `parseArgs` from `options`, adds `-h/--help`, renders help, and
 * turns unknown options and bad values into usage errors (exit 2).
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[] | boolean[];
  /** One line for `--help`. */
  description: string;
  /** Placeholder in help for string options: `--lang <lang>`. Default `value`. */
  valueName?: string;
  /** For string options: the only accepted values (checked by the framework, listed in help). */
  choices?: readonly string[];
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true
    ? boolean[]
    : boolean
  : S['multiple'] extends true
    ? string[]
    : string;

/** Parsed option values, typed from the specs: options with a `default` are never undefined. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends { default: unknown } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

export interface CommandContext<O extends OptionSpecs = OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  io: CliIO;
  /** Colours for stdout and stderr (each on only for a TTY, honouring NO_COLOR / FORCE_COLOR). */
  colors: { stdout: Colors; stderr: Colors };
  /** Language for the CLI's own words: `--lang` when the command has it, else `KITH_LANG`, else `en`. */
  lang: Lang;
  /** The full command name as typed, e.g. `validate` or `plugin new`. */
  name: string;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** One word, or words separated by one space for nested commands (`plugin new`). */
  name: string;
  /** One line, shown in `kith --help`. */
  summary: string;
  /** Positional arguments for the usage line, e.g. `[paths...]`; omit if none are accepted. */
  args?: string;
  /** Help for the positional arguments: `[name, description]` pairs. */
  argsHelp?: [string, string][];
  /** Paragraph(s) after the usage line in `kith <cmd> --help`. */
  description?: string;
  options: O;
  /** Text at the end of the help (examples, exit codes). */
  epilog?: string;
  /**
   * Does the work and returns the exit code (0 ok, 1 failure found, 2 usage). Throw
   * `UsageError` for bad input. Import heavy dependencies lazily here (`await import(...)`),
   * so `kith --help` stays fast.
   */
  run(ctx: CommandContext<O>): number | Promise<number>;
}

/** A command with its option types erased, as the registry holds it. */
export interface Command {
  name: string;
  summary: string;
  args?: string;
  argsHelp?: [string, string][];
  description?: string;
  options: OptionSpecs;
  epilog?: string;
  run(ctx: CommandContext): number | Promise<number>;
}

export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return spec as unknown as Command;
}

/** Bad invocation: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = {
  ok: 0,
  /** The command ran and found problems (invalid playbook, failing test). */
  failure: 1,
  /** Bad arguments, unknown command or option, a path that doesn't exist. */
  usage: 2,
  /** A bug: an unexpected exception escaped a command. */
  internal: 70,
} as const;

/** Shared `--lang` option, for commands that print diagnostics or other prose. */
export const langOption = {
  type: 'string',
  valueName: 'lang',
  choices: ['en', 'zh-CN'],
  description: 'language of messages: en or zh-CN (default: $KITH_LANG or en)',
} as const satisfies OptionSpec;

/** Shared `--json` option: machine-readable output on stdout and nothing else there. */
export const jsonOption = {
  type: 'boolean',
  description: 'print machine-readable JSON on stdout (nothing else is printed there)',
} as const satisfies OptionSpec;
