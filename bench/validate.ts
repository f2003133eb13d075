// bench/validate: parse + validate a generated 1,000-step playbook, against a bare `yaml` parse
// of the same text measured in the same run.
//   pnpm --filter @kith/bench validate [--steps 1000] [--runs 30]
import { parseArgs } from 'node:util';
import { validatePlaybookText } from '@kith/playbook';
import { parse } from 'yaml';
import { generatePlaybook } from './generate-playbook.js';

const { values } = parseArgs({
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
