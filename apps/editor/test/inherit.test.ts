import { readFileSync } from 'node:fs';
import { validatePlaybookText } from '@kith/playbook/browser';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { readBoard } from '../src/model/board.js';
import { customizeJourney, mergedBoard, overrideStepField, templateStepValue } from '../src/model/inherit.js';
import { moveStep } from '../src/model/operations.js';

const template = readFileSync(
  new URL('../../../playbooks/mother-baby/playbook.yaml', import.meta.url),
  'utf8',
);
const SPEC = '@kith/templates/mother-baby';
// What the server writes when a client playbook is made from a template.
const client = `# Built on the template @kith/templates/mother-baby; values here win over the template's.
kith: 1
id: little-stars
name: Little Stars
extends:
  from: '@kith/templates/mother-baby'
  params:
    brand: Little Stars # the client's brand
`;

function validate(text: string) {
  return validatePlaybookText(text, 'little-stars.yaml', {
    host: {
      resolveTemplate: (_from, spec) => (spec === SPEC ? SPEC : undefined),
      readFile: (path) => {
        if (path === SPEC) return template;
        throw new Error(`no ${path}`);
      },
    },
  });
}

function board(text: string) {
  const result = validate(text);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return mergedBoard(readBoard(parseDocument(text)), result.playbook);
}

describe('a client playbook that extends a template', () => {
  it('shows the template’s journeys on the board, marked inherited', () => {
    const b = board(client);
    expect(b.stages.map((s) => s.id)).toEqual(['attract', 'activate', 'transact', 'expand']);
    const welcome = b.stages[0]!.journeys[0]!;
    expect(welcome.id).toBe('welcome');
    expect(welcome.inherited).toEqual({ stage: 'attract' });
    expect(welcome.steps[0]!.inherited).toEqual({ journey: 'welcome', step: 'hello' });
    expect(welcome.steps[0]!.match).toBe('/stages/attract/journeys/0/steps/0');
  });

  it('editing an inherited step writes an override, keeping the client’s comments', () => {
    const b = board(client);
    const hello = b.stages[0]!.journeys[0]!.steps[0]!;
    const raw = templateStepValue(template, 'welcome', 'hello');
    const out = overrideStepField(
      client,
      hello.inherited!,
      ['send', 'text'],
      'Hi {{ member.name }}!',
      raw,
      hello.value,
    );
    expect(out.startsWith(client)).toBe(true);
    expect(out).toContain("# the client's brand");
    const doc = parseDocument(out);
    expect(doc.getIn(['overrides', 'welcome.hello', 'send', 'text'])).toBe('Hi {{ member.name }}!');
    // The rest of `send` is the template's own (unresolved) value.
    expect(doc.getIn(['overrides', 'welcome.hello', 'send', 'via'])).toBe('wecom');
    const after = board(out);
    expect(after.stages[0]!.journeys[0]!.steps[0]!.value.send).toMatchObject({
      text: 'Hi {{ member.name }}!',
    });
    // A second edit updates the same override.
    const again = overrideStepField(out, hello.inherited!, ['send', 'to'], 'group', raw, hello.value);
    const overrides = (parseDocument(again).toJS() as { overrides: Record<string, { send: unknown }> })
      .overrides;
    expect(overrides['welcome.hello']!.send).toMatchObject({
      text: 'Hi {{ member.name }}!',
      to: 'group',
    });
  });

  it('customizing a journey copies it with the template’s comments; then steps can move', () => {
    const out = customizeJourney(client, template, 'attract', 'welcome');
    expect(out.startsWith(client)).toBe(true);
    expect(out).toContain('# 两天没选：先放进「综合」分片，不让她卡在群外。');
    const b = board(out);
    const welcome = b.stages[0]!.journeys[0]!;
    expect(welcome.inherited).toBeUndefined();
    expect(welcome.path).toEqual(['stages', 'attract', 'journeys', 0]);
    expect(b.stages[0]!.journeys[1]!.inherited).toEqual({ stage: 'attract' });
    const moved = moveStep(out, welcome.steps[0]!.path, welcome.stepsPath, 2);
    expect(
      board(moved)
        .stages[0]!.journeys[0]!.steps.map((s) => s.id)
        .slice(0, 3),
    ).toEqual(['ask-stage', 'hello', 'save-stage']);
  });
});
