// bench/validate: parse + validate a generated 1,000-step playbook, against a bare `yaml` parse
// of the same text measured in the same run; then re-validation after one-character edits with
// `IncrementalValidator` (what the editor does per keystroke), against `validatePlaybookText` on
// the same texts in the same run.
//   pnpm --filter @kith/bench validate [--steps 1000] [--runs 30]
import { parseArgs } from 'node:util';
import { IncrementalValidator, validatePlaybookText } from '@kith/playbook';
import { parse } from 'yaml';
import { benchArgs } from './args.js';
import { generatePlaybook } from './generate-playbook.js';

const { values } = parseArgs({
  args: benchArgs(),
  options: { steps: { type: 'string', default: '1000' }, runs: { type: 'string', default: '30' } },
});
const steps = Number(values.steps);
const runs = Number(values.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** CPU time of `fn` in ms (user + system): steadier than wall time on a shared machine. */
function cpu(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

const text = generatePlaybook(steps);
const first = validatePlaybookText(text, 'bench.yaml');
const errors = first.diagnostics.filter((d) => d.severity === 'error');
if (errors.length > 0) {
  console.error(errors.slice(0, 5));
  throw new Error('the generated playbook should be valid');
}
// Warm up both paths, then interleave runs so both see the same machine state.
for (let i = 0; i < 5; i++) {
  parse(text);
  validatePlaybookText(text, 'bench.yaml');
}
const bare: number[] = [];
const full: number[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(time(() => parse(text)));
  full.push(time(() => validatePlaybookText(text, 'bench.yaml')));
}
const b = median(bare);
const f = median(full);
const kb = (text.length / 1024).toFixed(0);
console.log(`playbook: ${steps} steps, ${text.split('\n').length} lines, ${kb} KiB; ${runs} runs, medians`);
console.log(`bare yaml.parse            ${b.toFixed(2)} ms`);
console.log(`kith load + validate       ${f.toFixed(2)} ms`);
console.log(`ratio (kith / bare parse)  ${(f / b).toFixed(2)}`);
console.log(
  `validation beyond parsing  ${(f - b).toFixed(2)} ms = ${((f - b) / b).toFixed(2)} × the bare parse`,
);

// Keystrokes: an `x` typed after a channel name in a step halfway down (a reference broken: one
// diagnostic, placed), then deleted (valid again), alternately. Both validators see every text.
const at = text.indexOf('via: group', Math.floor(text.length / 2)) + 'via: group'.length;
const typo = `${text.slice(0, at)}x${text.slice(at)}`;
const incremental = new IncrementalValidator('bench.yaml');
incremental.validate(text);
for (let i = 0; i < 10; i++) {
  incremental.validate(i % 2 === 0 ? typo : text);
  validatePlaybookText(i % 2 === 0 ? typo : text, 'bench.yaml');
}
// Wall and CPU time per kind of text: with the typo (a diagnostic: the whole way is the fully
// positioned path) and without (the whole way is the fast path).
const series = () => ({ wall: [] as number[], cpu: [] as number[] });
const inc = { typo: series(), valid: series() };
const whole = { typo: series(), valid: series() };
let pieceByPiece = 0;
// The incremental validator last saw `text`: each text below differs from the one before it.
for (let i = 0; i < runs * 4; i++) {
  const kind = i % 2 === 0 ? 'typo' : 'valid';
  const t = kind === 'typo' ? typo : text;
  const byCpu = i >= runs * 2;
  const measure = byCpu ? cpu : time;
  const a = measure(() => incremental.validate(t));
  if (incremental.stats.incremental) pieceByPiece++;
  const b = measure(() => validatePlaybookText(t, 'bench.yaml'));
  (byCpu ? inc[kind].cpu : inc[kind].wall).push(a);
  (byCpu ? whole[kind].cpu : whole[kind].wall).push(b);
}
const fmt = (s: { wall: number[]; cpu: number[] }) =>
  `${median(s.wall).toFixed(2)} ms / ${median(s.cpu).toFixed(2)} ms CPU`;
console.log(
  `after a one-character edit in a step (${runs * 4} edits, ${pieceByPiece} validated piece by piece; medians, wall / CPU):`,
);
console.log(`  with a typo (1 diagnostic):  validatePlaybookText ${fmt(whole.typo)}`);
console.log(`                               IncrementalValidator ${fmt(inc.typo)}`);
console.log(`  typo undone (valid):         validatePlaybookText ${fmt(whole.valid)}`);
console.log(`                               IncrementalValidator ${fmt(inc.valid)}`);
console.log(
  `ratio (incremental / whole, CPU): ${(median(inc.typo.cpu) / median(whole.typo.cpu)).toFixed(2)} with the typo, ${(median(inc.valid.cpu) / median(whole.valid.cpu)).toFixed(2)} valid`,
);
