/**
 * Forms from JSON Schema: each property becomes a field with a label, help text (its
 * description), the right control (select for enums and references, number, checkbox, text or a
 * multi-line box for templates and expressions) and an error for what it holds now.
 */
import { constOptions, exampleOf, pickVariant, type Schema, variantsOf } from './schema.js';

export type FieldControl =
  | 'text'
  | 'textarea'
  | 'number'
  | 'integer'
  | 'checkbox'
  | 'select'
  /** A list of short values (tags, attribute names): one per line. */
  | 'list'
  /** Named values (`set: { plan: "'premium'" }`): a row of name and value each. */
  | 'map'
  | 'json';

export interface FormField {
  key: string;
  /** Path of the value below the form's root value. */
  path: (string | number)[];
  label: string;
  help: string;
  control: FieldControl;
  required: boolean;
  /** For selects: the choices, as written in YAML. */
  options: { value: unknown; label: string }[];
  /** Whether a select also accepts a value typed by hand (references to sections). */
  free: boolean;
  value: unknown;
  error: string | undefined;
  /** The field also takes a `${params.name}` reference (filled per client). */
  param: boolean;
  /** For lists and maps: the schema of one item or value. */
  item?: Schema;
  /** For maps: the pattern a name must match, if the schema sets one. */
  keyPattern?: string;
}

export interface FormModel {
  /** Alternatives of a union schema (e.g. `wait`: a duration, until a time, an event). */
  variants: { label: string; index: number }[];
  variant: number;
  /** The whole value is a scalar: one field at path []. */
  fields: FormField[];
}

/** What the form needs from the playbook: the names defined in each section (channels, offers…). */
export type RefNames = Record<string, readonly string[]>;

export interface FormMessages {
  required: string;
  notInteger: string;
  notNumber: string;
  tooSmall: (min: number) => string;
  tooLarge: (max: number) => string;
  notOneOf: (choices: string) => string;
  pattern: string;
  unknownRef: (section: string, names: string) => string;
  invalidJson: string;
  /** A map's name that does not fit its pattern (attribute names: letters, digits, `_`). */
  badKey: (key: string) => string;
  duplicateKey: (key: string) => string;
}

export const ENGLISH_FORM_MESSAGES: FormMessages = {
  required: 'Required.',
  notInteger: 'Enter a whole number.',
  notNumber: 'Enter a number.',
  tooSmall: (min) => `At least ${min}.`,
  tooLarge: (max) => `At most ${max}.`,
  notOneOf: (choices) => `Choose one of: ${choices}.`,
  pattern: 'Not in the expected format.',
  unknownRef: (section, names) => `Not defined in ${section}${names ? ` (defined: ${names})` : ''}.`,
  invalidJson: 'Not valid JSON.',
  badKey: (key) => `“${key}” is not a valid name: letters, digits and _, not starting with a digit.`,
  duplicateKey: (key) => `“${key}” is set twice.`,
};

const PARAM_REF = /^\$\{params\.[A-Za-z_][A-Za-z0-9_]*\}$/;

function isParamRef(s: Schema): boolean {
  return s.type === 'string' && typeof s.pattern === 'string' && s.pattern.includes('params');
}

/**
 * Many fields are "a value, or `${params.x}`" (a union). The form shows the value's own control
 * and accepts a parameter reference typed in it.
 */
export function unwrapParam(schema: Schema): { schema: Schema; param: boolean } {
  const vs = schema.anyOf;
  if (!vs?.some(isParamRef)) return { schema, param: false };
  const rest = vs.filter((v) => !isParamRef(v));
  if (rest.length !== 1) return { schema: { ...schema, anyOf: rest }, param: true };
  const { anyOf: _drop, ...outer } = schema;
  return {
    schema: { ...rest[0], ...outer, description: schema.description ?? rest[0]!.description },
    param: true,
  };
}

/** A value simple enough for one line of text: a string, number or a union of such. */
function isScalar(schema: Schema | undefined): schema is Schema {
  if (schema === undefined) return false;
  const { schema: s } = unwrapParam(schema);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'string' || type === 'number' || type === 'integer') return true;
  return (
    s.type === undefined &&
    (s.anyOf ?? s.oneOf ?? []).length > 0 &&
    variantsOf(s).every((v) => v.type === 'string' || 'const' in v)
  );
}

/** The schema of a map's values and the pattern of its names, when the object is a free map. */
function mapShape(schema: Schema): { item: Schema; keyPattern?: string } | undefined {
  if (schema.properties !== undefined) return undefined;
  const patterns = Object.entries(schema.patternProperties ?? {});
  if (patterns.length === 1) {
    const [pattern, item] = patterns[0]!;
    return pattern === '^(.*)$' ? { item } : { item, keyPattern: pattern };
  }
  if (patterns.length === 0 && typeof schema.additionalProperties === 'object')
    return { item: schema.additionalProperties };
  return undefined;
}

function controlFor(schema: Schema): FieldControl {
  if (constOptions(schema) || schema['x-kith-ref']) return 'select';
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'array' && isScalar(schema.items)) return 'list';
  if (type === 'object') {
    const shape = mapShape(schema);
    if (shape && isScalar(shape.item)) return 'map';
  }
  if (type === 'boolean') return 'checkbox';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'string') {
    if (schema.format === 'kith-template' || schema.format === 'kith-expression') return 'textarea';
    return 'text';
  }
  if (variantsOf(schema).every((v) => v.type === 'string' || 'const' in v)) return 'text';
  return 'json';
}

function labelOf(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** Checks one value against its field schema; the first problem, worded for an operator. */
export function fieldError(
  schema: Schema,
  value: unknown,
  required: boolean,
  refs: RefNames,
  m: FormMessages = ENGLISH_FORM_MESSAGES,
): string | undefined {
  if (value === undefined || value === '' || value === null) return required ? m.required : undefined;
  const unwrapped = unwrapParam(schema);
  const type = Array.isArray(unwrapped.schema.type) ? unwrapped.schema.type[0] : unwrapped.schema.type;
  if (type === 'array' && Array.isArray(value)) {
    if (value.length === 0) return required ? m.required : undefined;
    for (const item of value) {
      const problem = unwrapped.schema.items
        ? fieldError(unwrapped.schema.items, item, true, refs, m)
        : undefined;
      if (problem) return `${String(item)}: ${problem}`;
    }
    return undefined;
  }
  if (type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const shape = mapShape(unwrapped.schema);
    if (!shape) return undefined;
    const entries = Object.entries(value);
    if (entries.length === 0) return required ? m.required : undefined;
    for (const [key, item] of entries) {
      if (shape.keyPattern && !new RegExp(shape.keyPattern, 'u').test(key)) return m.badKey(key);
      const problem = fieldError(shape.item, item, true, refs, m);
      if (problem) return `${key}: ${problem}`;
    }
    return undefined;
  }
  if (unwrapped.param && typeof value === 'string' && PARAM_REF.test(value)) return undefined;
  return valueError(unwrapped.schema, value, refs, m);
}

function valueError(schema: Schema, value: unknown, refs: RefNames, m: FormMessages): string | undefined {
  const options = constOptions(schema);
  if (options && !options.includes(value)) return m.notOneOf(options.map(String).join(', '));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') {
    if (typeof value !== 'number' || Number.isNaN(value))
      return type === 'integer' ? m.notInteger : m.notNumber;
    if (type === 'integer' && !Number.isInteger(value)) return m.notInteger;
    if (schema.minimum !== undefined && value < schema.minimum) return m.tooSmall(schema.minimum);
    if (schema.maximum !== undefined && value > schema.maximum) return m.tooLarge(schema.maximum);
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return m.pattern;
    const section = schema['x-kith-ref'];
    const names = section ? refs[section] : undefined;
    // `${params.x}` and the like are resolved later; only plain names can be checked here.
    if (names && !value.includes('${') && !names.includes(value))
      return m.unknownRef(section!, names.join(', '));
  }
  return undefined;
}

function fieldFor(
  key: string,
  path: (string | number)[],
  original: Schema,
  value: unknown,
  required: boolean,
  refs: RefNames,
  m: FormMessages,
): FormField {
  const { schema, param } = unwrapParam(original);
  const control = controlFor(schema);
  const section = schema['x-kith-ref'];
  const consts = constOptions(schema);
  const options = consts
    ? consts.map((v) => ({ value: v, label: String(v) }))
    : section
      ? (refs[section] ?? []).map((v) => ({ value: v, label: v }))
      : [];
  return {
    key,
    path,
    label: labelOf(key),
    help: schema.description ?? '',
    control,
    required,
    options,
    free: Boolean(section),
    value,
    error: control === 'json' ? undefined : fieldError(original, value, required, refs, m),
    param,
    ...(control === 'list' && schema.items ? { item: schema.items } : {}),
    ...(control === 'map' ? mapShape(schema) : {}),
  };
}

/**
 * The form for a value of `schema`: one field per property of the alternative the value is
 * written in (required first, then in schema order), or a single field for a scalar.
 */
export function buildForm(
  schema: Schema,
  value: unknown,
  refs: RefNames = {},
  m: FormMessages = ENGLISH_FORM_MESSAGES,
): FormModel {
  const variants = variantsOf(schema);
  const isUnion = variants.length > 1 && !constOptions(schema);
  const variant = isUnion ? pickVariant(schema, value) : 0;
  const chosen = isUnion ? variants[variant]! : schema;
  const form: FormModel = {
    variants: isUnion
      ? variants.map((v, index) => ({ label: v.description ?? v.title ?? `#${index + 1}`, index }))
      : [],
    variant,
    fields: [],
  };
  const type = Array.isArray(chosen.type) ? chosen.type[0] : chosen.type;
  if (type === 'object' && chosen.properties) {
    const obj = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<
      string,
      unknown
    >;
    const required = new Set(chosen.required ?? []);
    const keys = Object.keys(chosen.properties).sort(
      (a, b) => Number(required.has(b)) - Number(required.has(a)),
    );
    for (const key of keys)
      form.fields.push(fieldFor(key, [key], chosen.properties[key]!, obj[key], required.has(key), refs, m));
    return form;
  }
  form.fields.push(fieldFor('value', [], chosen, value, true, refs, m));
  return form;
}

/** The value to write when the operator switches a union form to another alternative. */
export function variantValue(schema: Schema, index: number): unknown {
  return exampleOf(variantsOf(schema)[index] ?? schema);
}

/** Turns what an input holds into the value to write (numbers parsed, blanks removed). */
export function parseInput(field: FormField, raw: string | boolean): unknown {
  if (field.control === 'checkbox') return raw === true;
  const text = String(raw);
  if (text.trim() === '') return undefined;
  if (field.control === 'integer' || field.control === 'number') {
    const n = Number(text);
    return Number.isNaN(n) ? text : n;
  }
  if (field.control === 'select') {
    const hit = field.options.find((o) => String(o.value) === text);
    return hit ? hit.value : text;
  }
  if (field.control === 'json') return JSON.parse(text) as unknown;
  if (field.control === 'list') return parseList(field, text);
  return text;
}

/** Whether a list's items or a map's values are numbers (typed text is read as one). */
function numericItems(field: FormField): boolean {
  const type = field.item ? unwrapParam(field.item).schema.type : undefined;
  return type === 'number' || type === 'integer';
}

/** The list control's text: one item per line, numbers where the items are numbers. */
export function listText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join('\n') : '';
}

function parseList(field: FormField, text: string): unknown[] | undefined {
  const items = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (items.length === 0) return undefined;
  const numeric = numericItems(field);
  return items.map((item) => {
    const n = Number(item);
    return numeric && !Number.isNaN(n) ? n : item;
  });
}

/** A map control's rows: name and value as the operator sees them. */
export type MapRow = readonly [name: string, value: string];

export function mapRows(value: unknown): MapRow[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).map(([k, v]) => [k, v === undefined || v === null ? '' : String(v)] as const);
}

/**
 * The value a map control writes: rows without a name are left out (a row being filled in), the
 * same name twice is refused, and numbers are kept as numbers where the values are numbers.
 */
export function mapValue(
  field: FormField,
  rows: readonly MapRow[],
  m: FormMessages = ENGLISH_FORM_MESSAGES,
): { value: Record<string, unknown> | undefined } | { error: string } {
  const out: Record<string, unknown> = {};
  const numeric = numericItems(field);
  for (const [rawKey, rawValue] of rows) {
    const key = rawKey.trim();
    if (key === '') continue;
    if (Object.hasOwn(out, key)) return { error: m.duplicateKey(key) };
    const text = rawValue.trim();
    const n = Number(text);
    out[key] = numeric && text !== '' && !Number.isNaN(n) ? n : text;
  }
  return { value: Object.keys(out).length === 0 ? undefined : out };
}
