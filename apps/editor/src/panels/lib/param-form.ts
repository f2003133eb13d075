import type { JsonSchema } from '../../api/types.js';
import type { Problem } from './problems.js';

export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'money' | 'duration' | 'choice';

/** One input of the "new client playbook" form, built from a template parameter's schema. */
export interface ParamField {
  name: string;
  kind: FieldKind;
  label: string;
  description: string;
  required: boolean;
  /** The template's default, as the input shows it ('' when there is none). */
  initial: string | boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  /** Allowed values of a `choice`, as they are sent. */
  options?: unknown[];
}

export type FormValues = Record<string, string | boolean>;

/** The id rule of the API (ROUTES.md): the playbook id typed on the form is checked against it. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

// The same grammar as @kith/playbook's durations (`30m`, `1d12h`); kept here so the form does not
// pull the whole validator into this panel's chunk.
const DURATION = /^(?:\d{1,9}[smhdw])+$/;
/** Recognises the pattern the server gives duration params (`^(\d+(ms|s|m|h|d|w))+$`). */
const DURATION_PATTERN = /\(ms\|s\|m\|h\|d\|w\)/;

function typeOf(schema: JsonSchema): string {
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  return typeof t === 'string' ? t : '';
}

function kindOf(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'choice';
  const t = typeOf(schema);
  const format = typeof schema.format === 'string' ? schema.format : '';
  const kith = typeof schema['x-kith-type'] === 'string' ? schema['x-kith-type'] : '';
  // The server publishes params as JSON Schema: money is an integer marked `x-kith-type: money`, a
  // duration a string with the duration pattern; a template's own spec says `type: money|duration`.
  if (t === 'money' || kith === 'money' || /money/.test(format)) return 'money';
  if (t === 'duration' || kith === 'duration' || /duration/.test(format)) return 'duration';
  if (t === 'string' && typeof schema.pattern === 'string' && DURATION_PATTERN.test(schema.pattern))
    return 'duration';
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'number';
  if (t === 'boolean') return 'boolean';
  return 'text';
}

/** `groupBuyThreshold` → `Group buy threshold`: a readable label when the schema has no title. */
export function humanize(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The form's fields, in the template's order. A parameter without a default must be filled in. */
export function buildParamFields(params: Record<string, JsonSchema>): ParamField[] {
  return Object.entries(params).map(([name, schema]) => {
    const kind = kindOf(schema);
    const hasDefault = schema.default !== undefined;
    const field: ParamField = {
      name,
      kind,
      label: typeof schema.title === 'string' && schema.title !== '' ? schema.title : humanize(name),
      description: typeof schema.description === 'string' ? schema.description : '',
      required: !hasDefault,
      initial: kind === 'boolean' ? schema.default === true : hasDefault ? String(schema.default) : '',
    };
    if (typeof schema.minimum === 'number') field.minimum = schema.minimum;
    if (typeof schema.maximum === 'number') field.maximum = schema.maximum;
    if (typeof schema.pattern === 'string') field.pattern = schema.pattern;
    if (kind === 'choice') field.options = [...(schema.enum as unknown[])];
    return field;
  });
}

export function initialValues(fields: readonly ParamField[]): FormValues {
  const out: FormValues = {};
  for (const f of fields) out[f.name] = f.initial;
  return out;
}

function numberProblem(field: ParamField, n: number): Problem | null {
  if (field.minimum !== undefined && n < field.minimum)
    return { key: 'panels.form.min', params: { min: field.minimum } };
  if (field.maximum !== undefined && n > field.maximum)
    return { key: 'panels.form.max', params: { max: field.maximum } };
  return null;
}

/** The value to send for one field, or the problem with what was typed. `undefined` = leave it out. */
export function readField(field: ParamField, raw: string | boolean): { value?: unknown; problem?: Problem } {
  if (field.kind === 'boolean') return { value: raw === true };
  const text = String(raw).trim();
  if (text === '') return field.required ? { problem: { key: 'panels.form.required' } } : {};
  switch (field.kind) {
    case 'integer':
    case 'money': {
      if (!/^-?\d+$/.test(text)) {
        return { problem: { key: field.kind === 'money' ? 'panels.form.money' : 'panels.form.integer' } };
      }
      const n = Number(text);
      const p = numberProblem(field, n);
      return p === null ? { value: n } : { problem: p };
    }
    case 'number': {
      const n = Number(text);
      if (!Number.isFinite(n)) return { problem: { key: 'panels.form.number' } };
      const p = numberProblem(field, n);
      return p === null ? { value: n } : { problem: p };
    }
    case 'duration': {
      let ok = DURATION.test(text);
      if (field.pattern !== undefined) {
        try {
          ok = new RegExp(field.pattern, 'u').test(text);
        } catch {
          // keep the built-in rule when the server's pattern cannot be compiled here
        }
      }
      return ok && !/^(?:0+[a-z]+)+$/.test(text)
        ? { value: text }
        : { problem: { key: 'panels.form.duration' } };
    }
    case 'choice': {
      const match = (field.options ?? []).find((o) => String(o) === text);
      return match === undefined
        ? { problem: { key: 'panels.form.choice', params: { values: (field.options ?? []).join(', ') } } }
        : { value: match };
    }
    default: {
      if (field.pattern !== undefined) {
        let re: RegExp | null = null;
        try {
          re = new RegExp(field.pattern, 'u');
        } catch {
          // A pattern the browser cannot compile is left to the server to check.
        }
        if (re !== null && !re.test(text))
          return { problem: { key: 'panels.form.pattern', params: { pattern: field.pattern } } };
      }
      return { value: text };
    }
  }
}

export interface ReadForm {
  params: Record<string, unknown>;
  problems: Record<string, Problem>;
}

/** Every field read: the params to send, or the problem per field name. */
export function readParams(fields: readonly ParamField[], values: FormValues): ReadForm {
  const params: Record<string, unknown> = {};
  const problems: Record<string, Problem> = {};
  for (const f of fields) {
    const r = readField(f, values[f.name] ?? f.initial);
    if (r.problem !== undefined) problems[f.name] = r.problem;
    else if (r.value !== undefined) params[f.name] = r.value;
  }
  return { params, problems };
}

export function idProblem(id: string): Problem | null {
  if (id.trim() === '') return { key: 'panels.form.required' };
  return ID_PATTERN.test(id) ? null : { key: 'panels.form.id' };
}

/** A playbook id suggested from a name: lower case, safe characters only. */
export function suggestId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '')
    .slice(0, 64);
  return slug;
}
