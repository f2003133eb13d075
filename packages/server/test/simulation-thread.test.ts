import { resolveSettings } from '@kith/engine';
import type { ResolvedPlaybook } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  runSimulationThread,
  type SimulationJobInput,
  type SimulationMessage,
} from '../src/routes/runtime/simulation-runner.js';

function playbook(price: number): ResolvedPlaybook {
  return parse(`
kith: 1
id: thread
name: Thread
timezone: UTC
channels: { tg: { use: telegram } }
offers: { box: { price: ${price}, currency: CNY } }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hi, send: { via: tg, text: "Welcome" } }
          - { id: box, offer: box }
`) as ResolvedPlaybook;
}

function run(pb: ResolvedPlaybook): Promise<SimulationMessage[]> {
  const input: SimulationJobInput = {
    playbook: pb,
    params: {},
    settings: resolveSettings(undefined, { members: 50, days: 2, seed: 1 }, pb),
    limits: {},
  };
  const seen: SimulationMessage[] = [];
  return new Promise((done) => {
    runSimulationThread(
      input,
      (m) => {
        seen.push(m);
        if (m.type !== 'progress') done(seen);
      },
      { keepAlive: true },
    );
  });
}

describe('a simulation thread', () => {
  it('reports progress, then the report, from its own thread', async () => {
    const seen = await run(playbook(5900));
    expect(seen[0]?.type).toBe('progress');
    const last = seen.at(-1)!;
    expect(last.type).toBe('done');
    if (last.type === 'done') expect(last.members).toBe(50);
  });

  it('says a playbook the engine cannot compile is a compile error, with the engine’s words', async () => {
    const last = (await run(playbook(59.9))).at(-1)!;
    expect(last).toMatchObject({ type: 'failed', code: 'compile-error' });
    if (last.type === 'failed') expect(last.error).toMatch(/offers\.box\.price/);
  });
});
