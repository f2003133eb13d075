import { readFileSync } from 'node:fs';
import { validatePlaybookText } from '@kith/playbook';
import { advance, compilePlaybook, DEFAULT_KERNEL_OPTIONS, type Kernel, type MemberState, newMemberState, Runtime, VirtualClock, MemoryStore, type Timer, type Scheduler, type MemberCommit, type Effect } from '../src/index.js';
const text = process.env.PB ? readFileSync(process.env.PB,'utf8') : readFileSync('playbooks/mother-baby/playbook.yaml', 'utf8');
const r = validatePlaybookText(text, 'pb.yaml');
const N = Number(process.argv[2] ?? 100000);
const mode = process.argv[3] ?? 'runtime';
const start = Date.parse('2026-03-01T02:00:00Z');
const states = new Map<string, MemberState>();
let effects = 0;
class LeanStore extends MemoryStore {
  override loadMemberNow(_t: string, m: string) { return states.get(m); }
  override async loadMember(_t: string, m: string) { return states.get(m); }
  override async commitMember(c: MemberCommit) { c.state.rev++; states.set(c.state.id, c.state); effects += c.effects.length; return 'ok' as const; }
  override async hasEvent() { return false; }
  override async *memberIds() { yield* states.keys(); }
}
class LeanScheduler implements Scheduler {
  n = 0;
  async schedule(t: readonly Timer[]) { this.n += t.length; }
  async cancel() {}
  async takeDue() { return []; }
  async nextAt() { return undefined; }
}
const clock = new VirtualClock(start);
const store = new LeanStore();
const rt = new Runtime({ store, scheduler: new LeanScheduler(), clock, effects: { deliver: async () => ({ ok: true }) } as any, kernel: { inboxSize: 0 } });
await rt.publish('t', r.playbook!, { version: '1', params: r.params });
const kernel = rt.kernel('t');
let t0 = performance.now();
let id = 0;
async function ev(type: string, member: string, data: Record<string, unknown>, at: number) {
  clock.set(at);
  if (mode === 'runtime') await rt.ingest({ tenant: 't', id: `e${id++}`, type, member, data, at });
  else {
    let s = states.get(member); if (!s) { s = newMemberState('t', member); states.set(member, s); }
    const o = advance(kernel, s, { kind: 'event', event: { tenant: 't', id: `e${id++}`, type, member, at, data } }, at);
    effects += o.effects.length;
  }
}
for (let i = 0; i < N; i++) await ev('member.joined', `m${i}`, { entry: 'poster' }, start);
console.log('join', (performance.now()-t0).toFixed(0), 'ms', effects);
t0 = performance.now();
for (let i = 0; i < N; i++) await ev('button.clicked', `m${i}`, { value: 'infant' }, start+60000);
console.log('click', (performance.now()-t0).toFixed(0), 'ms', effects);
t0 = performance.now();
for (let k = 0; k < 10; k++) for (let i = 0; i < N; i++) await ev('message.received', `m${i}`, { text: 'hello' }, start + 120000 + k*3600000);
console.log('msgs', (performance.now()-t0).toFixed(0), 'ms', effects);
(globalThis as any).gc?.(); console.log('heap/member', Math.round(process.memoryUsage().heapUsed / N), 'rss MB', Math.round(process.memoryUsage().rss/1e6));
console.log(JSON.stringify(states.get('m0')).length);
