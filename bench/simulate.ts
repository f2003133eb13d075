// bench/simulate: a template on a synthetic community through the real Runtime and mechanics, in
// virtual time; prints member-steps/s, wall time and peak RSS, against the bare kernel measured in
// the same run. Runs the built engine (dist), as `kith simulate` does once installed.
//   pnpm --filter @kith/bench simulate [--members 1000000] [--days 30] [--seed 42] [--template mother-baby] [--engine dir]
import { parseArgs } from 'node:util';
import type { Kernel, MemberState } from '@kith/engine';
import type { ResolvedPlaybook } from '@kith/playbook';
import { parse } from 'yaml';
import { benchArgs } from './args.js';
import { loadEngine, loadTemplate, simulationOptions } from './template.js';

const { values } = parseArgs({ args: benchArgs(), options: simulationOptions('1000000') });
const engine = await loadEngine(values.engine);
const { advance, compilePlaybook, DEFAULT_KERNEL_OPTIONS, newMemberState, simulate } = engine;
const template = await loadTemplate(values.template);
const profile = template.profile;
const settings = template.settings(engine, values);

/** Baseline: the bare kernel on a send / wait 1d / send journey, as packages/engine/scripts/bench-journey. */
function kernelBaseline(members: number): number {
  const pb = parse(`
kith: 1
id: baseline
name: Baseline
timezone: Asia/Shanghai
channels: { tg: { use: telegram } }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hi, send: { via: tg, text: "Welcome {{ member.name }}" } }
          - { id: settle, wait: 1d }
          - { id: nudge, send: { via: tg, text: "Day two" } }
`) as ResolvedPlaybook;
  const compiled = compilePlaybook(pb, { version: '1' });
  const kernel: Kernel = {
    tenant: 't',
    current: compiled,
    version: () => compiled,
    mechanics: [],
    options: { ...DEFAULT_KERNEL_OPTIONS, inboxSize: 0 },
  };
  const start = Date.parse('2026-03-02T01:00:00Z');
  const states: MemberState[] = [];
  const t0 = performance.now();
  for (let i = 0; i < members; i++) {
    const s = newMemberState('t', `m${i}`);
    states.push(s);
    const event = { tenant: 't', id: `j${i}`, type: 'member.joined', member: s.id, at: start, data: {} };
    advance(kernel, s, { kind: 'event', event }, start);
  }
  for (const s of states) {
    const w = s.instances[0]!.wait!;
    const timer = {
      key: w.token,
      tenant: 't',
      member: s.id,
      at: w.until!,
      kind: 'wait' as const,
      name: w.token,
      data: null,
    };
    advance(kernel, s, { kind: 'timer', timer }, w.until!);
  }
  return (members * 3) / ((performance.now() - t0) / 1000);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const baseline = kernelBaseline(100_000);

let lastPrint = performance.now();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await simulate(template.playbook, {
  settings,
  params: template.params,
  onProgress: ({ fraction, members }) => {
    const now = performance.now();
    if (now - lastPrint < 10_000) return;
    lastPrint = now;
    const rss = process.memoryUsage().rss / 2 ** 20;
    console.error(
      `  … ${(fraction * 100).toFixed(0)}% of virtual time, ${fmt(members)} members, ${((now - t0) / 1000).toFixed(0)} s, RSS ${fmt(rss)} MiB`,
    );
  },
});
const wall = (performance.now() - t0) / 1000;
const used = process.cpuUsage(cpu0);
// on a shared machine wall time includes waiting for a core; CPU time shows what the run itself cost
const cpu = (used.user + used.system) / 1e6;
const peakRss = process.resourceUsage().maxRSS / 1024;
const r = result.report;

console.log(
  `template: ${values.template}; ${fmt(settings.members)} organic members × ${settings.days} days, seed ${settings.seed}` +
    `${profile === undefined ? ' (default profile)' : ' (simulation.yaml)'}` +
    `${values.engine === undefined ? '' : `; engine ${values.engine}`}`,
);
console.log(`members at the end          ${fmt(result.members)} (${fmt(r.activity.invited)} invited)`);
console.log(`member-steps                ${fmt(result.memberSteps)}`);
console.log(`wall time                   ${wall.toFixed(1)} s`);
console.log(`member-steps/s              ${fmt(result.memberSteps / wall)}`);
console.log(
  `CPU time                    ${cpu.toFixed(1)} s (${fmt(result.memberSteps / cpu)} member-steps per CPU-second)`,
);
console.log(`members/s                   ${fmt(result.members / wall)}`);
console.log(`peak RSS                    ${fmt(peakRss)} MiB`);
console.log(`baseline: bare kernel       ${fmt(baseline)} member-steps/s (3-step journey, same run)`);
console.log(
  `funnel                      ${r.funnel.stages.map((s) => `${s.stage} ${fmt(s.reached)}`).join(' → ')}`,
);
console.log(
  `messages                    ${r.channels.map((c) => `${c.channel} ${fmt(c.messages)}`).join(', ')}; ` +
    `${fmt(r.violations.rateLimit)} rate-limit windows broken, ${fmt(r.violations.quietHours)} in quiet hours`,
);
