// bench/heap: the live heap per simulated member at the last simulated instant (after a full GC),
// the CPU time and a digest of the report — for this build of the engine and, with --engine, for
// another build in the same run, so that a change's memory is measured against a baseline and its
// report shown byte-identical (or not).
//   pnpm --filter @kith/bench heap [--members 50000] [--days 30] [--seed 42] [--template mother-baby] [--engine dir] [--snapshot file]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { benchArgs } from './args.js';
import { type Engine, loadEngine, loadTemplate, simulationOptions } from './template.js';

const { values } = parseArgs({
  args: benchArgs(),
  options: {
    ...simulationOptions('50000'),
    // a V8 heap snapshot of this build at the last instant, for a closer look (Chrome DevTools)
    snapshot: { type: 'string' },
  },
});

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (the pnpm script does)');

interface Measured {
  members: number;
  memberSteps: number;
  liveBytes: number;
  cpuSeconds: number;
  digest: string;
}

const template = await loadTemplate(values.template);

async function measure(engine: Engine, snapshot: string | undefined): Promise<Measured> {
  const settings = template.settings(engine, values);
  gc!();
  const before = process.memoryUsage().heapUsed;
  let live = 0;
  const cpu0 = process.cpuUsage();
  const r = await engine.simulate(template.playbook, {
    settings,
    params: template.params,
    // the last instant: every member still held, the report not built yet
    onProgress: ({ fraction }) => {
      if (fraction !== 1) return;
      gc!();
      live = process.memoryUsage().heapUsed - before;
      if (snapshot !== undefined) writeHeapSnapshot(snapshot);
    },
  });
  const cpu = process.cpuUsage(cpu0);
  return {
    members: r.members,
    memberSteps: r.memberSteps,
    liveBytes: live,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    digest: createHash('sha256').update(JSON.stringify(r.report)).digest('hex').slice(0, 16),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const line = (label: string, m: Measured) =>
  console.log(
    `${label.padEnd(16)} ${fmt(m.liveBytes / m.members).padStart(6)} B/member live  ` +
      `${fmt(m.liveBytes / 2 ** 20).padStart(6)} MiB  ${m.cpuSeconds.toFixed(1).padStart(6)} s CPU  report ${m.digest}`,
  );

const here = await measure(await loadEngine(), values.snapshot);
console.log(
  `template: ${values.template}; ${fmt(Number(values.members))} organic members × ${values.days} days, seed ${values.seed}; ` +
    `${fmt(here.members)} members, ${fmt(here.memberSteps)} member-steps`,
);
line('this build', here);
if (values.engine !== undefined) {
  const base = await measure(await loadEngine(values.engine), undefined);
  line(values.engine, base);
  console.log(
    `ratio            ${(here.liveBytes / here.members / (base.liveBytes / base.members)).toFixed(3)} of the baseline's live heap per member; ` +
      `reports ${here.digest === base.digest ? 'byte-identical' : 'DIFFER'}`,
  );
}
if (values.snapshot !== undefined) console.log(`heap snapshot: ${values.snapshot}`);
