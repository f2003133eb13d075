import { readFileSync } from 'node:fs';
import { validatePlaybookText } from '@kith/playbook';
import { advance, compilePlaybook, DEFAULT_KERNEL_OPTIONS, type Kernel, type MemberState, newMemberState } from '../src/index.js';
const text = readFileSync('playbooks/mother-baby/playbook.yaml', 'utf8');
const r = validatePlaybookText(text, 'pb.yaml');
if (!r.playbook) { console.log(r.diagnostics.filter(d=>d.severity==='error')); process.exit(1); }
const compiled = compilePlaybook(r.playbook, { version: '1', params: r.params });
const kernel: Kernel = { tenant: 't', current: compiled, version: () => compiled, mechanics: [], options: { ...DEFAULT_KERNEL_OPTIONS, inboxSize: 0 } };
const N = Number(process.argv[2] ?? 100000);
const start = Date.parse('2026-03-01T02:00:00Z');
const states: MemberState[] = [];
let t0 = performance.now(); let steps = 0; let effects = 0; let reqs = 0; let timers=0;
for (let i = 0; i < N; i++) {
  const s = newMemberState('t', `m${i}`); states.push(s);
  const o = advance(kernel, s, { kind: 'event', event: { tenant: 't', id: `j${i}`, type: 'member.joined', member: s.id, at: start, data: { name: `M${i}`, entry: 'poster', channel: 'wecom', address: `u${i}` } } }, start);
  effects += o.effects.length; reqs += o.requests.length; timers += o.timers.length;
}
console.log('join', (performance.now()-t0).toFixed(0), 'ms', effects, reqs, timers);
t0 = performance.now();
for (let i = 0; i < N; i++) {
  const s = states[i]!;
  const o = advance(kernel, s, { kind: 'event', event: { tenant: 't', id: `c${i}`, type: 'button.clicked', member: s.id, at: start+60000, data: { value: 'infant' } } }, start+60000);
  effects += o.effects.length; reqs += o.requests.length;
}
console.log('click', (performance.now()-t0).toFixed(0), 'ms', effects, reqs, states[0]!.instances.map(i=>[i.journey,i.status, i.wait?.step]));
t0 = performance.now();
for (let k = 0; k < 10; k++) for (let i = 0; i < N; i++) {
  const s = states[i]!; const at = start + 120000 + k*3600000;
  const o = advance(kernel, s, { kind: 'event', event: { tenant: 't', id: `x${k}_${i}`, type: 'message.received', member: s.id, at, data: { text: 'hello' } } }, at);
  effects += o.effects.length;
}
console.log('msgs', (performance.now()-t0).toFixed(0), 'ms', effects);
(globalThis as any).gc?.(); console.log('heap/member', Math.round(process.memoryUsage().heapUsed / N), 'rss MB', Math.round(process.memoryUsage().rss/1e6));
console.log(JSON.stringify(states[0],null,1));
