import { describe, expect, it } from 'vitest';
import type { JourneyInstance } from '../src/model/instance.js';
import { answerKeys, INTRODUCTION_ANSWERS } from '../src/runtime/services/introductions.js';
import { Population, SimulationStore } from '../src/simulate/population.js';

/** A finished run that ran these steps; an `introduce` step logs the peers it was given. */
function run(id: string, steps: { step: string; output: unknown }[]): JourneyInstance {
  return {
    id,
    journey: 'first-week',
    version: '1',
    plugins: {},
    entryKey: '',
    status: 'completed',
    pc: steps.length,
    wait: null,
    log: steps.map(({ step, output }) => ({ step, at: 0, output })),
    event: null,
    startedAt: 0,
    updatedAt: 0,
    endedAt: 0,
    goal: null,
    reason: null,
  };
}

describe('simulation store', () => {
  it("drops a finished run's introduction answers with its commit, and no one else's", async () => {
    const population = new Population('t');
    const store = new SimulationStore(population, () => {});
    const m = population.states[population.add()]!;
    const done = run(`${m.id}:first-week:1`, [
      { step: 'hello', output: { messageId: 'x' } },
      { step: 'intro', output: { peers: ['m7'] } },
    ]);
    // only the introduce step asked the service
    expect(answerKeys(done)).toEqual([`${done.id}@intro`]);
    const answer = (key: string) => store.readShared<unknown[]>('t', INTRODUCTION_ANSWERS, key);
    await store.updateShared('t', INTRODUCTION_ANSWERS, `${done.id}@intro`, () => ['peer']);
    await store.updateShared('t', INTRODUCTION_ANSWERS, `${m.id}:first-week:2@intro`, () => ['other']);
    const commit = { tenant: 't', state: m, eventId: null, effects: [] };
    // a commit that finishes nothing keeps every answer: the run may still retry
    expect(store.commitMemberNow({ ...commit, expectedRev: 0, finished: [] })).toBe('ok');
    expect(await answer(`${done.id}@intro`)).toEqual(['peer']);
    expect(store.commitMemberNow({ ...commit, expectedRev: 1, finished: [done] })).toBe('ok');
    expect(await answer(`${done.id}@intro`)).toBeUndefined();
    expect(await answer(`${m.id}:first-week:2@intro`)).toEqual(['other']);
  });
});
