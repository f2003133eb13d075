import { describe, expect, it } from 'vitest';
import {
  compilePlaybook,
  MemoryEffects,
  MemoryScheduler,
  MemoryStore,
  type Outcome,
  PlaybookCompileError,
  Runtime,
  VirtualClock,
} from '../src/index.js';
import { loadPlaybook } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const PB = withJourneys(`
- journey: drip
  on: member.joined
  steps:
    - { id: a, send: { via: tg, text: a } }
    - { id: w, wait: 30d }
    - { id: b, send: { via: tg, text: b } }
`);

describe('runtime', () => {
  it('picks up a version another process published (load), the newest becoming current', async () => {
    const v1 = loadPlaybook(PB).playbook;
    const v2 = loadPlaybook(PB.replace('text: a }', 'text: a2 }')).playbook;
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const store = new MemoryStore();
    const effects = new MemoryEffects(clock);
    const api = new Runtime({ store, scheduler: new MemoryScheduler(), clock, effects });
    const worker = new Runtime({ store, scheduler: new MemoryScheduler(), clock, effects });
    await api.publish('t', v1, { version: '1' });
    await worker.load('t');
    await worker.ingest({ tenant: 't', id: 'j1', type: 'member.joined', member: 'm1' });
    await api.publish('t', v2, { version: '2' });
    // within the refresh interval the worker keeps what it has; after it, it reads the Store again
    await worker.load('t');
    await worker.ingest({ tenant: 't', id: 'j2', type: 'member.joined', member: 'm2' });
    await new Promise((r) => setTimeout(r, 2100));
    await worker.load('t');
    await worker.ingest({ tenant: 't', id: 'j3', type: 'member.joined', member: 'm3' });
    await worker.tick();
    expect(effects.messages().map((m) => m.text)).toEqual(['a', 'a', 'a2']);
    expect(worker.kernel('t').current.version).toBe('2');
  });

  it('survives a restart: a 30-day wait resumes on a new runtime over the same store', async () => {
    const { playbook } = loadPlaybook(PB);
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const store = new MemoryStore();
    const effects = new MemoryEffects(clock);
    const first = new Runtime({ store, scheduler: new MemoryScheduler(), clock, effects });
    await first.publish('t', playbook, { version: '1' });
    await first.ingest({ tenant: 't', id: 'j', type: 'member.joined', member: 'm' });
    await first.tick();
    // the process dies; its in-memory timers are gone
    const scheduler = new MemoryScheduler();
    const second = new Runtime({ store, scheduler, clock, effects });
    expect(await second.recover('t')).toBe(1);
    await second.runUntil(Date.parse('2026-02-05T00:00:00Z'), clock);
    expect(effects.messages().map((m) => [m.text, new Date(m.at).toISOString()])).toEqual([
      ['a', '2026-01-05T00:00:00.000Z'],
      ['b', '2026-02-04T00:00:00.000Z'],
    ]);
  });

  it('tells observers what happened: entries, steps, parks and ends', async () => {
    const { playbook } = loadPlaybook(PB);
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const seen: Outcome['trace'] = [];
    const runtime = new Runtime({
      store: new MemoryStore(),
      scheduler: new MemoryScheduler(),
      clock,
      effects: new MemoryEffects(),
      kernel: { trace: true },
      observer: (_tenant, _member, out) => seen.push(...out.trace),
    });
    await runtime.publish('t', playbook, { version: '1' });
    await runtime.ingest({ tenant: 't', id: 'j', type: 'member.joined', member: 'm' });
    await runtime.runUntil(Date.parse('2026-03-01T00:00:00Z'), clock);
    expect(seen.map((t) => `${t.kind}:${t.step ?? ''}`)).toEqual([
      'entered:',
      'step:a',
      'parked:w',
      'step:w',
      'step:b',
      'completed:',
    ]);
  });

  it('refuses to compile money that is not an integer', () => {
    const { playbook } = loadPlaybook(
      withJourneys(
        `
- journey: j
  on: member.joined
  steps:
    - { id: o, offer: box }
`,
        `offers:\n  box: { price: 5900, currency: CNY }\n`,
      ),
    );
    const broken = { ...playbook, offers: { box: { price: 59.9, currency: 'CNY' } } };
    expect(() => compilePlaybook(broken, { version: '1' })).toThrow(PlaybookCompileError);
    expect(() => compilePlaybook(broken, { version: '1' })).toThrow(
      /offers\.box\.price: expected an integer/,
    );
  });
});
