import schemaJson from '@kith/playbook/schema/playbook.schema.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import {
  buildForm,
  fieldError,
  listText,
  mapRows,
  mapValue,
  parseInput,
  variantValue,
} from '../src/model/form.js';
import { addStep, boardOf } from '../src/model/operations.js';
import { buildPalette, type CatalogueEntry, refNamesOf } from '../src/model/palette.js';
import { findById, type Schema } from '../src/model/schema.js';
import { PLAYBOOK } from './fixtures.js';

const stepSchema = findById(schemaJson, 'Step')!;
const playbook = parseDocument(PLAYBOOK).toJS() as unknown;
const refs = refNamesOf(playbook);

const catalogue: CatalogueEntry[] = [
  { name: 'sandbox', kind: 'channel', description: 'A channel that only records messages.', actions: {} },
  {
    name: 'email',
    kind: 'channel',
    description: 'Email over SMTP.',
    actions: {
      verify: {
        inputSchema: {
          type: 'object',
          description: 'Send a verification code.',
          required: ['address'],
          properties: {
            address: { type: 'string', description: 'Where to send it.', examples: ['{{ member.email }}'] },
          },
        },
      },
    },
  },
];

describe('palette', () => {
  const palette = buildPalette(stepSchema, playbook, catalogue, refs);

  it('offers every step kind of the playbook schema, in the schema’s order', () => {
    expect(palette.filter((p) => p.group === 'step').map((p) => p.kind)).toEqual([
      'send',
      'wait',
      'if',
      'split',
      'set',
      'tag',
      'score',
      'tier',
      'offer',
      'charge',
      'group',
      'introduce',
      'call',
      'emit',
      'goal',
      'exit',
    ]);
    const send = palette.find((p) => p.key === 'kind:send')!;
    expect(send.description).toBe('Send a message.');
    // References are filled with what this playbook defines, not the schema's example names.
    expect(send.fields).toEqual({ send: { via: 'group', text: 'Welcome {{ member.name }}' } });
    expect(palette.find((p) => p.key === 'kind:offer')!.fields).toEqual({ offer: 'box' });
  });

  it('offers a send through each channel instance and a call for each plugin action', () => {
    expect(palette.filter((p) => p.group === 'channel').map((p) => p.label)).toEqual([
      'send → group',
      'send → mail',
    ]);
    const call = palette.find((p) => p.group === 'action')!;
    expect(call.label).toBe('call mail.verify');
    expect(call.fields).toEqual({
      call: { plugin: 'mail', action: 'verify', with: { address: '{{ member.email }}' } },
    });
    expect(call.inputSchema?.required).toEqual(['address']);
  });

  it('adding an item from the palette inserts a valid step with a unique id', () => {
    const item = palette.find((p) => p.key === 'call:mail.verify')!;
    const steps = ['stages', 'attract', 'journeys', 0, 'steps'];
    const once = addStep(PLAYBOOK, steps, 1, item.fields);
    const twice = addStep(once, steps, 1, item.fields);
    const added = boardOf(twice).stages[0]!.journeys[0]!.steps.slice(1, 3);
    expect(added.map((s) => [s.id, s.kind, s.summary])).toEqual([
      ['call-2', 'call', 'mail.verify'],
      ['call', 'call', 'mail.verify'],
    ]);
    expect(twice).toContain('# First contact: keep it short.');
  });
});

describe('forms from the step schema', () => {
  const props = stepSchema.properties!;

  it('send: descriptions as help, the channel as a select of defined channels, required first', () => {
    const form = buildForm(props.send!, { via: 'group', text: 'Hi' }, refs);
    expect(form.variants).toEqual([]);
    const names = form.fields.map((f) => f.key);
    expect(names[0]).toBe('via');
    expect(names).toEqual(expect.arrayContaining(['to', 'text', 'subject', 'buttons', 'critical']));
    const via = form.fields[0]!;
    expect(via).toMatchObject({
      control: 'select',
      required: true,
      help: 'The channel instance to send through.',
    });
    expect(via.options.map((o) => o.value)).toEqual(['group', 'mail']);
    const to = form.fields.find((f) => f.key === 'to')!;
    expect(to.control).toBe('select');
    expect(to.options.map((o) => o.value)).toEqual(['member', 'group', 'referrer']);
    expect(form.fields.find((f) => f.key === 'text')!.control).toBe('textarea');
    expect(form.fields.find((f) => f.key === 'critical')!.control).toBe('checkbox');
  });

  it('reports problems inline: missing required value, unknown channel, wrong choice', () => {
    const form = buildForm(props.send!, { via: 'grop', to: 'everyone' }, refs);
    expect(form.fields.find((f) => f.key === 'via')!.error).toBe(
      'Not defined in channels (defined: group, mail).',
    );
    expect(form.fields.find((f) => f.key === 'to')!.error).toBe('Choose one of: member, group, referrer.');
    expect(buildForm(props.send!, {}, refs).fields[0]!.error).toBe('Required.');
    expect(form.fields.find((f) => f.key === 'text')!.error).toBeUndefined();
  });

  it('wait: a union becomes a choice of forms, picked from what the YAML says', () => {
    const duration = buildForm(props.wait!, '1d', refs);
    expect(duration.variants.length).toBe(4);
    expect(duration.variant).toBe(0);
    expect(duration.fields.map((f) => [f.key, f.value])).toEqual([['value', '1d']]);
    const event = buildForm(props.wait!, { event: 'payment.succeeded', timeout: '3d' }, refs);
    expect(event.variant).toBe(3);
    expect(event.fields.map((f) => f.key)).toEqual(['event', 'timeout', 'filter']);
    expect(variantValue(props.wait!, 2)).toEqual({ until: '09:00' });
  });

  it('numbers are checked against their bounds and parsed from the input', () => {
    const introduce = buildForm(props.introduce!, { by: ['city'], via: 'group', count: 11 }, refs);
    const count = introduce.fields.find((f) => f.key === 'count')!;
    expect(count.control).toBe('integer');
    expect(count.error).toBe('At most 10.');
    expect(parseInput(count, '3')).toBe(3);
    expect(parseInput(count, '')).toBeUndefined();
    expect(fieldError({ type: 'integer' } as Schema, 1.5, true, {})).toBe('Enter a whole number.');
  });

  it('set: named values as rows, names checked against the attribute pattern', () => {
    const form = buildForm(props.set!, { plan: "'premium'", seen: 'now' }, refs);
    const field = form.fields[0]!;
    expect(field.control).toBe('map');
    expect(field.keyPattern).toBe('^[A-Za-z_][A-Za-z0-9_]*$');
    expect(mapRows(field.value)).toEqual([
      ['plan', "'premium'"],
      ['seen', 'now'],
    ]);
    expect(field.error).toBeUndefined();
    // a row being filled in (no name yet) is not written; the rest is, in order
    expect(
      mapValue(field, [
        ['plan', " 'gold' "],
        ['', 'now'],
        ['score', 'member.points + 1'],
      ]),
    ).toEqual({
      value: { plan: "'gold'", score: 'member.points + 1' },
    });
    expect(
      mapValue(field, [
        ['plan', "'a'"],
        [' plan', "'b'"],
      ]),
    ).toEqual({ error: '“plan” is set twice.' });
    expect(mapValue(field, [['', '']])).toEqual({ value: undefined });
    expect(buildForm(props.set!, { '1st': 'now' }, refs).fields[0]!.error).toBe(
      '“1st” is not a valid name: letters, digits and _, not starting with a digit.',
    );
    expect(buildForm(props.set!, { plan: '' }, refs).fields[0]!.error).toBe('plan: Required.');
  });

  it('lists of names are one per line: tags to add and remove, attributes to introduce by', () => {
    const tag = buildForm(props.tag!, { add: ['vip', 'buyer'] }, refs);
    const add = tag.fields.find((f) => f.key === 'add')!;
    expect(add.control).toBe('list');
    expect(listText(add.value)).toBe('vip\nbuyer');
    expect(parseInput(add, ' vip \n\nbuyer\n')).toEqual(['vip', 'buyer']);
    expect(parseInput(add, '  \n')).toBeUndefined();
    const by = buildForm(props.introduce!, { by: [], via: 'group' }, refs).fields.find(
      (f) => f.key === 'by',
    )!;
    expect(by).toMatchObject({ control: 'list', required: true, error: 'Required.' });
  });

  it('a plugin action’s input schema gives the form of `call.with`', () => {
    const schema = catalogue[1]!.actions.verify!.inputSchema;
    const form = buildForm(schema, {}, refs);
    expect(form.fields).toMatchObject([
      { key: 'address', required: true, error: 'Required.', help: 'Where to send it.' },
    ]);
  });
});

describe('conflict diff', () => {
  it('shows what differs with a little context, long unchanged runs folded', async () => {
    const { lineDiff } = await import('../src/model/line-diff.js');
    const base = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const mine = [...base];
    mine[3] = 'line 3 (mine)';
    mine[30] = 'line 30 (mine)';
    const diff = lineDiff(base.join('\n'), mine.join('\n')).map((l) => `${l.op}${l.text}`);
    expect(diff).toEqual([
      ' line 1',
      ' line 2',
      '-line 3',
      '+line 3 (mine)',
      ' line 4',
      ' line 5',
      ' …',
      ' line 28',
      ' line 29',
      '-line 30',
      '+line 30 (mine)',
      ' line 31',
      ' line 32',
    ]);
  });

  it('accepts a `${params.x}` reference where a number is expected', () => {
    const props = stepSchema.properties!;
    const form = buildForm(props.introduce!, { by: ['city'], via: 'group', count: '${params.pairs}' }, refs);
    const count = form.fields.find((f) => f.key === 'count')!;
    expect(count).toMatchObject({ control: 'integer', param: true, error: undefined });
    expect(fieldError(props.introduce!.properties!.count!, '${params.pairs', true, refs)).toBe(
      'Enter a whole number.',
    );
  });
});
