import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import {
  addStep,
  boardOf,
  deleteStep,
  duplicateStep,
  EditError,
  moveJourney,
  moveStep,
  updateStepField,
} from '../src/model/operations.js';
import { changedLines, PLAYBOOK } from './fixtures.js';

const J0 = ['stages', 'attract', 'journeys', 0];
const STEPS = [...J0, 'steps'];

function ids(text: string, journey = 0, stage = 0): string[] {
  return boardOf(text).stages[stage]!.journeys[journey]!.steps.map((s) => s.id);
}

function allComments(text: string): string[] {
  return text.split('\n').flatMap((l) => (l.includes('#') ? [l.slice(l.indexOf('#')).trim()] : []));
}

function valid(text: string): void {
  const doc = parseDocument(text);
  expect(doc.errors.map((e) => e.message)).toEqual([]);
}

describe('board edits write only the lines they concern', () => {
  it('editing a field changes that line alone; comments and quoting stay', () => {
    const out = updateStepField(
      PLAYBOOK,
      [...STEPS, 0],
      ['send', 'text'],
      'Hello {{ member.name }}, welcome!',
    );
    valid(out);
    expect(changedLines(PLAYBOOK, out)).toEqual({
      removed: ['              text: "Welcome {{ member.name }}!"   # tested copy'],
      added: ['              text: "Hello {{ member.name }}, welcome!"   # tested copy'],
    });
  });

  it('a multi-line text becomes a literal block, indented under its key', () => {
    const out = updateStepField(PLAYBOOK, [...STEPS, 1], ['wait'], '2d');
    expect(changedLines(PLAYBOOK, out).added).toEqual(['            wait: 2d']);
    const multi = updateStepField(PLAYBOOK, [...STEPS, 0], ['send', 'text'], 'Line one\nLine two');
    valid(multi);
    expect(parseDocument(multi).getIn([...STEPS, 0, 'send', 'text'])).toBe('Line one\nLine two');
    expect(allComments(multi)).toEqual(allComments(PLAYBOOK));
    expect(multi).toContain(
      '              text: |-   # tested copy\n                Line one\n                Line two\n',
    );
  });

  it('adding a field inside a flow map keeps the flow style on that line', () => {
    const out = updateStepField(PLAYBOOK, [...STEPS, 2, 'then', 0], ['send', 'to'], 'group');
    valid(out);
    expect(changedLines(PLAYBOOK, out).added).toEqual([
      '                send: { via: group, text: Tell us about you?, to: group }',
    ]);
  });

  it('adding a new key to a block map appends one line at the map’s indentation', () => {
    const out = updateStepField(PLAYBOOK, [...STEPS, 1], ['name'], 'Let it settle');
    valid(out);
    expect(changedLines(PLAYBOOK, out)).toEqual({ removed: [], added: ['            name: Let it settle'] });
  });

  it('removing a field removes its line only', () => {
    const out = updateStepField(PLAYBOOK, [...STEPS, 0], ['send', 'text'], undefined);
    expect(changedLines(PLAYBOOK, out).removed).toEqual([
      '              text: "Welcome {{ member.name }}!"   # tested copy',
    ]);
    expect(changedLines(PLAYBOOK, out).added).toEqual([]);
  });

  it('reordering steps moves their lines with their comments, nothing else changes', () => {
    const out = moveStep(PLAYBOOK, [...STEPS, 0], STEPS, 2);
    valid(out);
    expect(ids(out)).toEqual(['settle', 'hello', 'nudge']);
    // Only a blank line may move: the one written between `settle` and `nudge` now frames `hello`.
    expect(changedLines(PLAYBOOK, out)).toEqual({ removed: [], added: [''] });
    expect(out.indexOf('# First contact: keep it short.')).toBeLessThan(out.indexOf('- id: hello'));
    expect(out.indexOf('- id: settle')).toBeLessThan(out.indexOf('# First contact'));
  });

  it('moving a step up with the keyboard (index − 1) and down (index + 2)', () => {
    expect(ids(moveStep(PLAYBOOK, [...STEPS, 2], STEPS, 1))).toEqual(['hello', 'nudge', 'settle']);
    expect(ids(moveStep(PLAYBOOK, [...STEPS, 0], STEPS, 2))).toEqual(['settle', 'hello', 'nudge']);
    expect(moveStep(PLAYBOOK, [...STEPS, 0], STEPS, 0)).toBe(PLAYBOOK);
  });

  it('moving a step into a branch re-indents it and keeps its comments', () => {
    const out = moveStep(PLAYBOOK, [...STEPS, 0], [...STEPS, 2, 'else'], 1);
    valid(out);
    const b = boardOf(out);
    expect(ids(out)).toEqual(['settle', 'nudge']);
    expect(b.stages[0]!.journeys[0]!.steps[1]!.branches[1]!.steps.map((s) => s.id)).toEqual([
      'thanks',
      'hello',
    ]);
    expect(out).toContain('              # First contact: keep it short.\n              - id: hello');
    expect(out).toContain('"Welcome {{ member.name }}!"   # tested copy');
  });

  it('moving a step out of a flow-style list rewrites only that list', () => {
    const expand = ['stages', 'expand', 'journeys', 0, 'steps'];
    const out = moveStep(PLAYBOOK, [...expand, 1], expand, 0);
    valid(out);
    expect(ids(out, 0, 4)).toEqual(['done', 'ask-invite']);
  });

  it('refuses to move a step into another journey where its id is taken', () => {
    const other = ['stages', 'expand', 'journeys', 0, 'steps'];
    const clash = updateStepField(PLAYBOOK, [...other, 1], ['id'], 'hello');
    expect(() => moveStep(clash, [...STEPS, 0], other, 0)).toThrow(EditError);
    expect(() => moveStep(clash, [...STEPS, 0], other, 0)).toThrow(/already has a step "hello"/);
  });

  it('refuses to move an if step into its own branch', () => {
    expect(() => moveStep(PLAYBOOK, [...STEPS, 2], [...STEPS, 2, 'then'], 0)).toThrow(/own branch/);
  });

  it('moves a journey to another stage, comments travelling with it', () => {
    const out = moveJourney(PLAYBOOK, J0, 'activate', 0);
    valid(out);
    const b = boardOf(out);
    expect(b.stages[0]!.journeys.map((j) => j.id)).toEqual([]);
    expect(b.stages[1]!.journeys.map((j) => j.id)).toEqual(['welcome', 'first-week']);
    expect(allComments(out).sort()).toEqual(allComments(PLAYBOOK).sort());
    expect(out).toContain('A long folded description that the board must never refold,\n');
  });

  it('moves a journey into a stage with no journeys yet (`journeys: []` and `{}`)', () => {
    for (const stage of ['vip', 'transact']) {
      const out = moveJourney(PLAYBOOK, J0, stage, 0);
      valid(out);
      const b = boardOf(out);
      expect(b.stages.find((s) => s.id === stage)!.journeys.map((j) => j.id)).toEqual(['welcome']);
      expect(out).toContain('# Greets every new member.');
    }
  });

  it('refuses to move a journey to a stage that does not exist', () => {
    expect(() => moveJourney(PLAYBOOK, J0, 'nope', 0)).toThrow(/no stage "nope"/);
  });

  it('adds a step with a fresh id at the requested place', () => {
    const out = addStep(PLAYBOOK, STEPS, 1, { send: { via: 'group', text: 'Hi' } });
    valid(out);
    expect(ids(out)).toEqual(['hello', 'send', 'settle', 'nudge']);
    const again = addStep(out, STEPS, 0, { send: { via: 'group', text: 'Hi' } });
    expect(ids(again)[0]).toBe('send-2');
    expect(changedLines(PLAYBOOK, out).removed).toEqual([]);
  });

  it('adds a step to an empty branch by creating the list', () => {
    const withIf = addStep(PLAYBOOK, STEPS, 3, { if: 'member.points > 5', then: [] });
    valid(withIf);
    const out = addStep(withIf, [...STEPS, 3, 'then'], 0, { tag: 'vip' });
    valid(out);
    const step = boardOf(out).stages[0]!.journeys[0]!.steps[3]!;
    expect(step.branches[0]!.steps.map((s) => [s.id, s.kind])).toEqual([['tag', 'tag']]);
    expect(allComments(out)).toEqual(allComments(PLAYBOOK));
  });

  it('deletes a step with its comment lines, and keeps a journey’s last step', () => {
    const out = deleteStep(PLAYBOOK, [...STEPS, 0]);
    valid(out);
    expect(ids(out)).toEqual(['settle', 'nudge']);
    expect(out).not.toContain('First contact');
    const single = ['stages', 'activate', 'journeys', 0, 'steps', 0];
    expect(() => deleteStep(PLAYBOOK, single)).toThrow(/at least one step/);
  });

  it('duplicates a step under a new id', () => {
    const out = duplicateStep(PLAYBOOK, [...STEPS, 1]);
    valid(out);
    expect(ids(out)).toEqual(['hello', 'settle', 'settle-2', 'nudge']);
  });

  it('survives a chain of edits on a real template with every comment kept', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(
      new URL('../../../playbooks/mother-baby/playbook.yaml', import.meta.url),
      'utf8',
    );
    const b = boardOf(text);
    const welcome = b.stages[0]!.journeys[0]!;
    let out = moveStep(text, welcome.steps[0]!.path, welcome.stepsPath, 3);
    out = updateStepField(out, welcome.steps[0]!.path, ['wait', 'timeout'], '3d');
    out = moveJourney(out, welcome.path, 'expand', 1);
    out = addStep(out, ['stages', 'activate', 'journeys', 0, 'steps'], 0, { score: 5 });
    valid(out);
    expect(allComments(out).sort()).toEqual(allComments(text).sort());
    const { added } = changedLines(text, out);
    expect(added.sort()).toEqual(
      ['            score: 5', '          - id: score', '              timeout: 3d'].sort(),
    );
  });
});
