import { totalmem } from 'node:os';
import { relative } from 'node:path';
import { runSimulationThread, type SimulationMessage } from '@kith/server/simulation-thread';
import { defineCommand, EXIT, jsonOption, langOption, UsageError } from '../command.js';
import { renderDiagnostic } from '../output/code-frame.js';
import { writeJson } from '../output/json.js';
import { ProgressBar } from '../output/progress.js';
import { installedLimits } from '../simulate/limits.js';
import { loadInputs } from '../simulate/load.js';
import { renderSimulation } from '../simulate/render.js';

/** A flag that must be a whole number (seeds may be negative). */
function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${name} must be ${min > 0 ? 'a positive' : 'an'} integer, got '${value}'`);
  return n;
}

/**
 * The simulation's heap may grow to three quarters of the machine's memory: Node's default limit
 * (about 4 GiB) is less than a million members need, and a command line runs one simulation the
 * user asked for. V8 grows the heap with what is live, so a small run stays small.
 */
function heapLimitMb(): number {
  return Math.floor((totalmem() / 2 ** 20) * 0.75);
}

export default defineCommand({
  name: 'simulate',
  summary: 'run a playbook on a synthetic community and report its funnel, revenue and channel load',
  args: '<playbook>',
  argsHelp: [['playbook', 'a playbook file, or a template directory holding playbook.yaml']],
  description:
    'Simulate a community in virtual time on the real engine: members arrive by day and source,\n' +
    'reply, press buttons, check in, pay, refund, invite and leave with the profile’s probabilities\n' +
    '(per tier). The report shows the funnel per stage, journey and step, revenue and commissions,\n' +
    'messages per channel per day, and every moment a channel’s rate limit or quiet hours would\n' +
    'be broken. The same seed gives the same report, byte for byte.',
  options: {
    profile: {
      type: 'string',
      valueName: 'file',
      description: 'simulation profile (default: simulation.yaml beside the playbook, if any)',
    },
    members: {
      type: 'string',
      short: 'n',
      valueName: 'N',
      description: 'organic arrivals (overrides the profile)',
    },
    days: {
      type: 'string',
      short: 'd',
      valueName: 'D',
      description: 'days simulated (overrides the profile)',
    },
    seed: { type: 'string', short: 's', valueName: 'S', description: 'random seed (overrides the profile)' },
    start: {
      type: 'string',
      valueName: 'time',
      description: 'virtual start, ISO 8601 with offset (overrides the profile)',
    },
    json: jsonOption,
    lang: langOption,
  },
  epilog: [
    'Examples:',
    '  kith simulate playbooks/mother-baby',
    '  kith simulate playbook.yaml --profile busy.yaml --members 100000 --days 30 --seed 7',
    '  kith simulate playbooks/reading-club --json > report.json',
    '',
    'Exit codes: 0 simulated, 1 the playbook or profile is invalid, 2 usage error or missing file.',
  ].join('\n'),
  async run({ values, positionals, io, colors, lang }) {
    if (positionals.length !== 1)
      throw new UsageError(
        `expected one playbook, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
      );
    const overrides = {
      members: integer('members', values.members, 1),
      days: integer('days', values.days, 1),
      seed: integer('seed', values.seed, Number.MIN_SAFE_INTEGER),
      start: values.start,
    };
    if (overrides.start !== undefined && Number.isNaN(Date.parse(overrides.start)))
      throw new UsageError(`--start must be an ISO 8601 time, got '${overrides.start}'`);

    const inputs = await loadInputs(positionals[0]!, values.profile, io.cwd, lang);
    if (!inputs.ok) {
      if (values.json) writeJson(io.stdout, { errors: inputs.diagnostics });
      else {
        const shown = (f: string) => relative(io.cwd, f) || f;
        for (const d of inputs.diagnostics) {
          const frame = renderDiagnostic(d, inputs.sources.get(d.file), {
            lang,
            colors: colors.stderr,
            displayPath: shown,
          });
          io.stderr.write(`${frame}\n\n`);
        }
        io.stderr.write(colors.stderr.red(colors.stderr.bold(`✖ nothing simulated: fix the errors above\n`)));
      }
      return EXIT.failure;
    }

    const [engine, limits] = await Promise.all([import('@kith/engine'), installedLimits()]);
    let settings: ReturnType<typeof engine.resolveSettings>;
    try {
      settings = engine.resolveSettings(inputs.profile, overrides, inputs.playbook);
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    const hours = settings.days * 24;
    const bar = new ProgressBar({
      stream: io.stderr,
      total: hours,
      label: 'simulating',
      unit: 'virtual h',
      colors: colors.stderr,
    });
    const t0 = performance.now();
    const input = { playbook: inputs.playbook, params: inputs.params, settings, limits };
    const ended = await new Promise<Exclude<SimulationMessage, { type: 'progress' }>>((resolve) => {
      runSimulationThread(
        input,
        (m) => {
          if (m.type === 'progress') bar.update(m.fraction * hours);
          else resolve(m);
        },
        { keepAlive: true, resourceLimits: { maxOldGenerationSizeMb: heapLimitMb() } },
      );
    });
    bar.done({ clear: true });
    if (ended.type === 'failed') {
      if (ended.code !== 'compile-error') throw new Error(ended.error);
      if (values.json) writeJson(io.stdout, { errors: [{ code: 'compile-error', message: ended.error }] });
      else io.stderr.write(`${colors.stderr.red(ended.error)}\n`);
      return EXIT.failure;
    }
    const result = ended;
    if (values.json) writeJson(io.stdout, result.report);
    else
      io.stdout.write(
        renderSimulation(result.report, { colors: colors.stdout, wallMs: performance.now() - t0 }),
      );
    return EXIT.ok;
  },
});
