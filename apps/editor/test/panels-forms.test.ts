import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonSchema } from '../src/api/types.js';
import { outline } from '../src/panels/lib/outline.js';
import {
  buildParamFields,
  humanize,
  idProblem,
  initialValues,
  readField,
  readParams,
  suggestId,
} from '../src/panels/lib/param-form.js';
import { defaultProfileForm, readProfile } from '../src/panels/lib/sim-profile.js';

const motherBaby = readFileSync(
  new URL('../../../playbooks/mother-baby/playbook.yaml', import.meta.url),
  'utf8',
);

describe('the template params form', () => {
  const params = (parse(motherBaby) as { params: Record<string, JsonSchema> }).params;
  const fields = buildParamFields(params);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it('builds one field per parameter of a real template, typed from its spec', () => {
    expect(fields.map((f) => f.name)).toEqual(Object.keys(params));
    expect(byName.brand).toMatchObject({ kind: 'text', required: false, initial: '小星星妈妈圈' });
    expect(byName.groupCapacity).toMatchObject({ kind: 'integer', minimum: 2, maximum: 500, initial: '500' });
    expect(byName.starterPrice).toMatchObject({ kind: 'money', initial: '19900' });
    expect(byName.brand!.description).toContain('品牌');
  });

  it('requires a parameter without a default', () => {
    const [f] = buildParamFields({ city: { type: 'string', description: 'City' } });
    expect(f!.required).toBe(true);
    expect(readField(f!, '   ').problem).toEqual({ key: 'panels.form.required' });
    expect(readField(f!, 'Hangzhou').value).toBe('Hangzhou');
  });

  it('checks numbers against their type and bounds', () => {
    const cap = byName.groupCapacity!;
    expect(readField(cap, '1').problem).toEqual({ key: 'panels.form.min', params: { min: 2 } });
    expect(readField(cap, '501').problem).toEqual({ key: 'panels.form.max', params: { max: 500 } });
    expect(readField(cap, '2.5').problem).toEqual({ key: 'panels.form.integer' });
    expect(readField(cap, '300').value).toBe(300);
    expect(readField(byName.starterPrice!, '199.00').problem).toEqual({ key: 'panels.form.money' });
    const [ratio] = buildParamFields({
      ratio: { type: 'number', description: '', default: 0.5, maximum: 1 },
    });
    expect(readField(ratio!, 'abc').problem).toEqual({ key: 'panels.form.number' });
    expect(readField(ratio!, '0.25').value).toBe(0.25);
  });

  it('reads durations, choices, booleans and patterns', () => {
    const fs = buildParamFields({
      every: { type: 'duration', description: '', default: '7d' },
      cadence: { type: 'string', description: '', enum: ['weekly', 'daily'] },
      trial: { type: 'boolean', description: '', default: true },
      code: { type: 'string', description: '', pattern: '^[A-Z]{3}$', default: 'CNY' },
      amount: { type: 'integer', format: 'kith-money', description: '', default: 1 },
    });
    const [every, cadence, trial, code, amount] = fs;
    expect(readField(every!, '1d12h').value).toBe('1d12h');
    expect(readField(every!, '0d').problem?.key).toBe('panels.form.duration');
    expect(readField(every!, 'tomorrow').problem?.key).toBe('panels.form.duration');
    expect(cadence!.kind).toBe('choice');
    expect(readField(cadence!, 'monthly').problem).toEqual({
      key: 'panels.form.choice',
      params: { values: 'weekly, daily' },
    });
    expect(trial!.initial).toBe(true);
    expect(readField(trial!, false).value).toBe(false);
    expect(readField(code!, 'usd').problem?.key).toBe('panels.form.pattern');
    expect(amount!.kind).toBe('money');
  });

  it('reads params as the server publishes them (JSON Schema with x-kith-type and the duration pattern)', () => {
    const [price, every] = buildParamFields({
      price: {
        type: 'integer',
        minimum: 0,
        'x-kith-type': 'money',
        description: 'Price (fen)',
        default: 5900,
      },
      every: { type: 'string', pattern: '^(\\d+(ms|s|m|h|d|w))+$', description: 'Reminder', default: '2d' },
    });
    expect(price!.kind).toBe('money');
    expect(readField(price!, '-1').problem).toEqual({ key: 'panels.form.min', params: { min: 0 } });
    expect(every!.kind).toBe('duration');
    expect(readField(every!, '1h30m').value).toBe('1h30m');
    expect(readField(every!, '500ms').value).toBe('500ms');
    expect(readField(every!, 'soon').problem).toEqual({ key: 'panels.form.duration' });
    expect(readField(every!, '0ms').problem).toEqual({ key: 'panels.form.duration' });
  });

  it('reads the whole form into the params to send, or the problems per field', () => {
    const values = initialValues(fields);
    const ok = readParams(fields, values);
    expect(ok.problems).toEqual({});
    expect(ok.params.groupCapacity).toBe(500);
    expect(ok.params.starterPrice).toBe(19900);
    const bad = readParams(fields, { ...values, groupCapacity: '9999', starterPrice: 'free' });
    expect(Object.keys(bad.problems).sort()).toEqual(['groupCapacity', 'starterPrice']);
  });

  it('checks and suggests playbook ids by the API rule', () => {
    expect(idProblem('')).toEqual({ key: 'panels.form.required' });
    expect(idProblem('Acme Mums')).toEqual({ key: 'panels.form.id' });
    expect(idProblem('acme-mums')).toBeNull();
    expect(suggestId('Mother & Baby 2026')).toBe('mother-baby-2026');
    expect(idProblem(suggestId('  --Club--  '))).toBeNull();
    expect(humanize('groupBuyThreshold')).toBe('Group buy threshold');
  });
});

describe('the playbook outline', () => {
  it('reads stages, entries, tiers and journeys of a template', () => {
    const o = outline(motherBaby);
    expect(o.stages.map((s) => s.id)).toContain('attract');
    expect(o.stages[0]!.name).toBe('吸引');
    expect(o.entries).toContainEqual({ id: 'poster', source: 'offline-poster' });
    expect(o.tiers.map((t) => t.id)).toContain('kol-mum');
    expect(o.journeys.find((j) => j.id === 'welcome')?.steps[0]).toBe('hello');
  });

  it('gives an empty outline for text that is not a playbook', () => {
    expect(outline(': : :\n  - [').stages).toEqual([]);
    expect(outline('just text').entries).toEqual([]);
  });
});

describe('the simulation profile form', () => {
  const o = outline(motherBaby);

  it('starts with one arrival row per entry and a behaviour row per tier', () => {
    const form = defaultProfileForm(o);
    expect(form.arrivals.map((a) => a.entry)).toEqual(o.entries.map((e) => e.id));
    expect(Object.keys(form.behaviour)).toEqual(['default', ...o.tiers.map((t) => t.id)]);
    const read = readProfile(form, 'club');
    expect(read.problems).toEqual({});
    expect(read.request).toMatchObject({ playbook: 'club', members: 1000, days: 30, seed: 1 });
    expect(read.request?.profile?.['kith-simulation']).toBe(1);
    expect(read.request?.profile?.arrivals?.[0]).toEqual({
      entry: 'poster',
      source: 'offline-poster',
      share: 0.33,
    });
  });

  it('sends only the behaviours typed, per tier', () => {
    const form = defaultProfileForm(o);
    form.behaviour = { default: { reply: '0.5', click: '' }, 'kol-mum': { invite: '0.2' }, mum: {} };
    const read = readProfile(form, 'club');
    expect(read.request?.profile?.behaviour).toEqual({ default: { reply: 0.5 }, 'kol-mum': { invite: 0.2 } });
  });

  it('locates every problem by path and sends nothing', () => {
    const form = {
      ...defaultProfileForm(o),
      members: '0',
      days: '4000',
      seed: 'x',
      arrivals: [{ entry: 'poster', source: '', share: '1.5' }],
      behaviour: { default: { churn: '-0.1' } },
    };
    const read = readProfile(form, 'club');
    expect(read.request).toBeUndefined();
    expect(read.problems).toEqual({
      members: { key: 'panels.form.min', params: { min: 1 } },
      days: { key: 'panels.form.max', params: { max: 3650 } },
      seed: { key: 'panels.form.integer' },
      'arrivals/0/share': { key: 'panels.sim.probability' },
      'behaviour/default/churn': { key: 'panels.sim.probability' },
    });
  });

  it('refuses shares that are all zero', () => {
    const form = { ...defaultProfileForm(o), arrivals: [{ entry: 'a', source: '', share: '0' }] };
    expect(readProfile(form, 'club').problems['arrivals/0/share']).toEqual({ key: 'panels.sim.sharesZero' });
  });
});
