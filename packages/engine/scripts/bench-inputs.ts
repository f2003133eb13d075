/**
 * Prints the cost of the commonest simulation input — a message from a member that starts no
 * journey — through the bare kernel. A figure, not a test:
 *   pnpm tsx --conditions=kith-source packages/engine/scripts/bench-inputs.ts [members] [messagesEach]
 */
import type { ResolvedPlaybook } from '@kith/playbook';
import { parse } from 'yaml';
import {
  advance,
  compilePlaybook,
  DEFAULT_KERNEL_OPTIONS,
  type Kernel,
  type MemberState,
  newMemberState,
} from '../src/index.js';

const YAML = `
kith: 1
id: bench
name: Bench
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
tiers:
  member: {}
  kol: { when: "member.referrals >= 20" }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hi, send: { via: tg, text: "Welcome {{ member.name }}" } }
  activate:
    when: member.messages >= 3
    journeys: []
`;

const members = Number(process.argv[2] ?? 100_000);
const each = Number(process.argv[3] ?? 10);
const compiled = compilePlaybook(parse(YAML) as ResolvedPlaybook, { version: '1' });
const kernel: Kernel = {
  tenant: 't',
  current: compiled,
  version: () => compiled,
  mechanics: [],
  options: { ...DEFAULT_KERNEL_OPTIONS, inboxSize: 0 },
};
const start = Date.parse('2026-03-02T01:00:00Z');
const states: MemberState[] = [];
for (let i = 0; i < members; i++) {
  const s = newMemberState('t', `m${i}`);
  advance(
    kernel,
    s,
    {
      kind: 'event',
      event: { tenant: 't', id: `j${i}`, type: 'member.joined', member: s.id, at: start, data: {} },
    },
    start,
  );
  states.push(s);
}
const t0 = performance.now();
let n = 0;
for (let k = 0; k < each; k++) {
  for (const s of states) {
    const at = start + k * 3_600_000;
    advance(
      kernel,
      s,
      {
        kind: 'event',
        event: {
          tenant: 't',
          id: `x${n++}`,
          type: 'message.received',
          member: s.id,
          at,
          data: { text: 'hi' },
        },
      },
      at,
    );
  }
}
const ms = performance.now() - t0;
console.log(
  `kernel: ${n} message inputs in ${ms.toFixed(0)} ms → ${Math.round((n / ms) * 1000).toLocaleString('en')} inputs/s`,
);
