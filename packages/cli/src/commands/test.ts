import type { RunTestOptions } from '@kith/engine/playbook-tests';
import { defineCommand, EXIT, jsonOption, langOption } from '../command.js';
import { writeJson } from '../output/json.js';
import { discoverTests } from '../test-run/discover.js';
import { renderFailures, resultLine, summaryLine, toJsonReport } from '../test-run/report.js';

/** Loaded lazily so `kith --help` and other commands don't pay for the engine. */
async function loadRunner() {
  const [{ runPlaybookTestFile }, { nodeHost }] = await Promise.all([
    import('@kith/engine/playbook-tests'),
    import('@kith/playbook'),
  ]);
  const options: RunTestOptions = { host: nodeHost };
  return (file: string) => runPlaybookTestFile(file, options);
}

export default defineCommand({
  name: 'test',
  summary: 'run playbook test cases (*.test.yaml) on the engine with a virtual clock',
  args: '[paths...]',
  argsHelp: [
    [
      'paths',
      'test files, directories (searched for *.test.yaml / *.test.yml, skipping node_modules, dist, .kith) or globs; default: .',
    ],
  ],
  description:
    'Run each test case: its members join, its timeline of events, payments and refunds goes in at\n' +
    'virtual times, and its expectations (messages, stage, tier, points, tags, goals, ledger) are\n' +
    'checked. A failure is shown at its expectation in the test file, with the messages sent.',
  options: { json: jsonOption, lang: langOption },
  epilog: [
    'Examples:',
    '  kith test',
    '  kith test playbooks/mother-baby',
    "  kith test 'playbooks/*/tests/transact*.test.yaml' --json",
    '',
    'The last line is `N passed, M failed`.',
    'Exit codes: 0 all passed, 1 a test failed or is invalid, 2 usage error or no test files found.',
  ].join('\n'),
  async run({ values, positionals, io, colors, lang }) {
    const files = await discoverTests(positionals.length > 0 ? positionals : ['.'], io.cwd, lang);
    const runOne = await loadRunner();
    const options = { cwd: io.cwd, lang, colors: colors.stdout };
    const results = [];
    // One at a time: each test is CPU-bound, and lines come out in a stable order as they finish.
    for (const file of files) {
      const result = await runOne(file);
      results.push(result);
      if (!values.json) io.stdout.write(`${resultLine(result, options)}\n`);
    }
    if (values.json) {
      writeJson(io.stdout, toJsonReport(results, io.cwd));
    } else {
      const details = results.map((r) => renderFailures(r, options)).filter((s) => s !== '');
      if (details.length > 0) io.stdout.write(`\n${details.join('\n')}`);
      io.stdout.write(`\n${summaryLine(results)}\n`);
    }
    return results.every((r) => r.status === 'passed') ? EXIT.ok : EXIT.failure;
  },
});
