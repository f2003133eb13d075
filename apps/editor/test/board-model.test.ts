import { describe, expect, it } from 'vitest';
import { boardOf } from '../src/model/operations.js';
import { PLAYBOOK } from './fixtures.js';

describe('board model from YAML', () => {
  const board = boardOf(PLAYBOOK);

  it('shows stages as columns in written order, custom stages included', () => {
    expect(board.stages.map((s) => s.id)).toEqual(['attract', 'activate', 'vip', 'transact', 'expand']);
    expect(board.stages.map((s) => s.core)).toEqual([true, true, false, true, true]);
    expect(board.stages[2]!.name).toBe('VIP');
  });

  it('shows journeys as cards with their trigger and step count (branches included)', () => {
    const welcome = board.stages[0]!.journeys[0]!;
    expect(welcome.id).toBe('welcome');
    expect(welcome.trigger).toBe('member.joined');
    expect(welcome.stepCount).toBe(5);
    expect(board.stages[1]!.journeys[0]!.trigger).toBe('activate');
  });

  it('reads if/then/else as branches, with the path of each step', () => {
    const nudge = board.stages[0]!.journeys[0]!.steps[2]!;
    expect(nudge.kind).toBe('if');
    expect(nudge.summary).toBe('member.messages == 0');
    expect(nudge.branches.map((b) => [b.kind, b.steps.map((s) => s.id)])).toEqual([
      ['then', ['ask']],
      ['else', ['thanks']],
    ]);
    expect(nudge.branches[0]!.steps[0]!.pointer).toBe('/stages/attract/journeys/0/steps/2/then/0');
  });

  it('reads split arms and event-wait timeouts as branches', () => {
    const text = `kith: 1
id: x
name: X
stages:
  attract:
    journeys:
      - journey: j
        on: member.joined
        steps:
          - id: ab
            split:
              - variant: a
                weight: 70
                steps: [{ id: a1, score: 1 }]
              - variant: b
                weight: 30
                steps: []
          - id: pay
            wait: { event: payment.succeeded, timeout: 3d }
`;
    const steps = boardOf(text).stages[0]!.journeys[0]!.steps;
    expect(steps[0]!.branches.map((b) => [b.variant, b.weight, b.steps.length])).toEqual([
      ['a', 70, 1],
      ['b', 30, 0],
    ]);
    expect(steps[1]!.branches.map((b) => b.kind)).toEqual(['onTimeout']);
    expect(steps[1]!.summary).toBe('payment.succeeded ≤ 3d');
  });

  it('keeps source offsets so diagnostics can mark the right card', () => {
    const hello = board.steps.get('/stages/attract/journeys/0/steps/0')!;
    expect(PLAYBOOK.slice(hello.start, hello.start + 9)).toBe('id: hello');
  });

  it('says when a playbook only extends a template', () => {
    const b = boardOf("kith: 1\nid: c\nextends: '@kith/templates/mother-baby'\nparams: { brand: X }\n");
    expect(b.stages).toEqual([]);
    expect(b.extends).toBe('@kith/templates/mother-baby');
  });
});
