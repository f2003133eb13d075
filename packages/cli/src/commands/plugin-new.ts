import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defineCommand, EXIT, jsonOption, UsageError } from '../command.js';
import { writeJson } from '../output/json.js';

/** The nearest directory at or above `from` that holds `file`, if any. */
function findUp(from: string, file: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, file))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** A path for a JSON config: forward slashes, and `./` when it would not start with a dot. */
function configPath(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export default defineCommand({
  name: 'plugin new',
  summary: 'scaffold a channel plugin package that passes the contract suite',
  args: '<name>',
  argsHelp: [['name', 'the plugin name playbooks `use:`: lower-case words joined by - (e.g. line)']],
  description:
    'Create a channel plugin package: config schema, send, invite, webhook verify/parse, rate limits, a fake\n' +
    'of the provider and a test running the Kith channel contract suite, which passes as generated.\n' +
    'Inside the Kith workspace it goes to packages/plugins/<name> and builds with the repository.',
  options: {
    dir: {
      type: 'string',
      valueName: 'dir',
      description:
        'where to create it (default: packages/plugins/<name> in the Kith workspace, else ./<name>)',
    },
    package: {
      type: 'string',
      valueName: 'name',
      description: 'npm package name (default: @kith/channel-<name>)',
    },
    'display-name': {
      type: 'string',
      valueName: 'text',
      description: 'name shown in the editor (default: from <name>)',
    },
    json: jsonOption,
  },
  epilog: [
    'Examples:',
    '  kith plugin new line',
    '  kith plugin new acme-chat --dir ../acme-kith --package kith-channel-acme',
  ].join('\n'),
  async run({ values, positionals, io, colors }) {
    if (positionals.length !== 1)
      throw new UsageError('expected one plugin name, e.g. `kith plugin new line`');
    const name = positionals[0]!;
    const { scaffoldChannelPlugin, SCAFFOLD_NAME_PATTERN } = await import('@kith/sdk/scaffold');
    if (!SCAFFOLD_NAME_PATTERN.test(name)) {
      throw new UsageError(
        `plugin name '${name}' must be lower-case words joined by '-' (e.g. line, whatsapp-cloud)`,
      );
    }
    const workspace = findUp(io.cwd, 'pnpm-workspace.yaml');
    const dir = resolve(
      io.cwd,
      values.dir ?? (workspace !== null ? join(workspace, 'packages', 'plugins', name) : name),
    );
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new UsageError(
        `${relative(io.cwd, dir) || '.'} already exists and is not empty; choose another --dir`,
      );
    }
    // Inside the repository the package extends its base config and references the SDK project.
    const repo = findUp(dirname(dir), 'tsconfig.base.json');
    const sdk =
      repo !== null && existsSync(join(repo, 'packages', 'sdk', 'package.json'))
        ? join(repo, 'packages', 'sdk')
        : null;
    const files = scaffoldChannelPlugin({
      name,
      packageName: values.package,
      displayName: values['display-name'],
      tsconfigBase: repo === null ? null : configPath(dir, join(repo, 'tsconfig.base.json')),
      sdkReference: sdk === null ? null : configPath(dir, sdk),
    });
    for (const f of files) {
      const path = join(dir, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
    }
    const shown = relative(io.cwd, dir) || '.';
    if (values.json) {
      writeJson(io.stdout, { dir: shown, files: files.map((f) => f.path) });
      return EXIT.ok;
    }
    const c = colors.stdout;
    const lines = [
      `${c.green('✔')} created ${c.bold(shown)} (${files.length} files)`,
      '',
      'Next:',
      '  pnpm install',
      `  npx vitest run ${shown}            # the contract suite passes against the fake`,
      ...(repo !== null
        ? [`  add { "path": "${configPath(repo, dir)}" } to the root tsconfig.json references`]
        : []),
      '  then replace the placeholder API in src/ (and the fake) with the provider’s — see docs/plugin-guide.md',
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
});
