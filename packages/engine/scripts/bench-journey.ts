/**
 * Prints member-steps per second for a simple 3-step journey (send, wait 1d, send) on the
 * in-memory adapters, through the full Runtime (ports, outbox, timers) and through the bare
 * kernel (`advance`). A figure, not a test:
 *   pnpm tsx --conditions=kith-source packages/engine/scripts/bench-journey.ts [members] [kernel|runtime]
 * (add `node --expose-gc --import tsx/esm` to also print heap per member).
 */

import type { ResolvedPlaybook } from '@kith/playbook';
import { parse } from 'yaml';
import {
  advance,
  compilePlaybook,
  DEFAULT_KERNEL_OPTIONS,
  type Kernel,
  type MemberState,
  MemoryEffects,
  MemoryScheduler,
  MemoryStore,
  newMemberState,
  Runtime,
  VirtualClock,
} from '../src/index.js';

const YAML = `
kith: 1
id: bench
name: Bench
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
delivery:
  quietHours: { start: '22:00', end: '08:00', mode: defer }
  perMember: { max: 5, per: 1d, mode: skip }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hi
            send: { via: tg, text: "Welcome {{ member.name }}" }
          - id: settle
            wait: 1d
          - id: nudge
            send: { via: tg, text: "Day two, how is it going?" }
`;

const members = Number(process.argv[2] ?? 100_000);
const playbook = parse(YAML) as ResolvedPlaybook;
const start = Date.parse('2026-03-02T01:00:00Z');

async function viaRuntime(): Promise<void> {
  const clock = new VirtualClock(start);
  const store = new MemoryStore({ keepFinished: false });
  const effects = new MemoryEffects();
  const runtime = new Runtime({ store, scheduler: new MemoryScheduler(), clock, effects });
  await runtime.publish('t', playbook, { version: '1' });
  const t0 = performance.now();
  for (let i = 0; i < members; i++) {
    await runtime.ingest({
      tenant: 't',
      id: `j${i}`,
      type: 'member.joined',
      member: `m${i}`,
      data: { name: `M${i}` },
    });
  }
  await runtime.runUntil(start + 3 * 86_400_000, clock);
  const ms = performance.now() - t0;
  const steps = members * 3;
  console.log(
    `runtime: ${members} members, ${steps} member-steps, ${effects.delivered.length} effects in ${ms.toFixed(0)} ms → ${Math.round((steps / ms) * 1000).toLocaleString('en')} member-steps/s`,
  );
}

function viaKernel(): void {
  const compiled = compilePlaybook(playbook, { version: '1' });
  const kernel: Kernel = {
    tenant: 't',
    current: compiled,
    version: () => compiled,
    mechanics: [],
    options: DEFAULT_KERNEL_OPTIONS,
  };
  const states: MemberState[] = [];
  const t0 = performance.now();
  let effects = 0;
  for (let i = 0; i < members; i++) {
    const s = newMemberState('t', `m${i}`);
    states.push(s);
    const out = advance(
      kernel,
      s,
      {
        kind: 'event',
        event: {
          tenant: 't',
          id: `j${i}`,
          type: 'member.joined',
          member: `m${i}`,
          at: start,
          data: { name: `M${i}` },
        },
      },
      start,
    );
    effects += out.effects.length;
  }
  for (const s of states) {
    const inst = s.instances[0]!;
    const wait = inst.wait!;
    const out = advance(
      kernel,
      s,
      {
        kind: 'timer',
        timer: {
          key: wait.token,
          tenant: 't',
          member: s.id,
          at: wait.until!,
          kind: 'wait',
          name: wait.token,
          data: null,
        },
      },
      wait.until!,
    );
    effects += out.effects.length;
  }
  const ms = performance.now() - t0;
  const steps = members * 3;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    // with --expose-gc: what a million-member simulation has to hold
    gc();
    console.log(
      `kernel:  ~${Math.round(process.memoryUsage().heapUsed / states.length)} bytes of heap per member`,
    );
  }
  console.log(
    `kernel:  ${members} members, ${steps} member-steps, ${effects} effects in ${ms.toFixed(0)} ms → ${Math.round((steps / ms) * 1000).toLocaleString('en')} member-steps/s`,
  );
}

if (process.argv[3] !== 'runtime') viaKernel();
if (process.argv[3] !== 'kernel') await viaRuntime();
