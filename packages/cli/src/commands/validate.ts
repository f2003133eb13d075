import { fileDiagnostic, type ValidateResult } from '@kith/playbook';
import { type Command, defineCommand, EXIT, jsonOption, langOption } from '../command.js';
import { type Lang, messages } from '../i18n.js';
import { writeJson } from '../output/json.js';
import { discoverPlaybooks } from '../validate/discover.js';
import { buildReport, renderReport, toJsonReport } from '../validate/report.js';

/** `validatePlaybookFile` from `@kith/playbook`, or a stand-in in tests. */
export type Validator = (path: string, options?: { lang?: Lang }) => Promise<ValidateResult>;

/**
 * Loaded lazily so `kith --help` and other commands don't pay for the validator. Playbooks are
 * checked against the installed plugins too: unknown `use:` names, `with:` and `call` inputs.
 */
async function loadValidator(): Promise<Validator> {
  const [playbook, catalogue] = await Promise.all([import('@kith/playbook'), import('@kith/catalogue')]);
  const plugins = catalogue.pluginCatalogue();
  return (path, options) => playbook.validatePlaybookFile(path, { ...options, plugins });
}

const CONCURRENCY = 8;

export function createValidateCommand(getValidator: () => Promise<Validator> = loadValidator): Command {
  return defineCommand({
    name: 'validate',
    summary: 'check playbooks and show each problem in its source',
    args: '[paths...]',
    argsHelp: [
      [
        'paths',
        'playbook files, directories (searched for *.yaml/*.yml whose first key is `kith:`) or globs; default: .',
      ],
    ],
    description:
      'Check playbooks: schema, references, expressions, templates (extends/params) and version migrations.\n' +
      'Every problem is shown with a code frame and a hint.',
    options: {
      json: jsonOption,
      lang: langOption,
      quiet: {
        type: 'boolean',
        short: 'q',
        description: 'show errors only (hides warnings, also in --json)',
      },
    },
    epilog: [
      'Examples:',
      '  kith validate',
      '  kith validate playbooks/mother-baby.yaml --lang zh-CN',
      "  kith validate 'playbooks/**/*.yaml' --json",
      '',
      'Exit codes: 0 valid (warnings allowed), 1 errors found, 2 usage error or missing path.',
    ].join('\n'),
    async run({ values, positionals, io, colors, lang }) {
      const files = await discoverPlaybooks(positionals.length > 0 ? positionals : ['.'], io.cwd, lang);
      const validate = await getValidator();
      const results = await mapLimit(files, CONCURRENCY, (file) => validateOne(validate, file, lang));
      const options = { cwd: io.cwd, quiet: values.quiet === true };
      const report = buildReport(results, options);
      if (values.json) writeJson(io.stdout, toJsonReport(report));
      else io.stdout.write(renderReport(results, { ...options, lang, colors: colors.stdout }));
      return report.errors > 0 ? EXIT.failure : EXIT.ok;
    },
  });
}

/** A validator that throws is a bug, but one file must not hide the others' results. */
async function validateOne(validate: Validator, file: string, lang: Lang): Promise<ValidateResult> {
  try {
    return await validate(file, { lang });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const d = fileDiagnostic(file, 'internal-error', {
      message: messages('en').crashed(reason),
      hint: messages('en').crashedHint,
      zh: { message: messages('zh-CN').crashed(reason), hint: messages('zh-CN').crashedHint },
    });
    return { file, diagnostics: [d], sources: new Map(), playbook: undefined, params: {} };
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export default createValidateCommand();
