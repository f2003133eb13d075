import {
  type ObjectOptions,
  type SchemaOptions,
  type TObject,
  type TOptional,
  type TProperties,
  type TSchema,
  Type,
} from '@sinclair/typebox';

/**
 * Every field in the language carries a description and at least one example: the JSON Schema
 * feeds IDE hover docs, the editor's forms and docs/playbook-language.md, and a test enforces it.
 */
export function doc(description: string, examples: unknown[], extra: SchemaOptions = {}): SchemaOptions {
  return { description, examples, ...extra };
}

/** `${params.name}`: a whole value taken from a template parameter (resolved before validation). */
export const PARAM_REF_PATTERN = '^\\$\\{params\\.[A-Za-z_][A-Za-z0-9_]*\\}$';
/** `${secrets.NAME}`: a secret's value, resolved only at run time and never stored in a playbook. */
export const SECRET_REF_PATTERN = '\\$\\{secrets\\.[A-Za-z_][A-Za-z0-9_]*\\}';

export const ParamRef = Type.String({
  pattern: PARAM_REF_PATTERN,
  description:
    'A template parameter reference, replaced by the parameter value when the playbook is resolved.',
  examples: ['${params.starterPrice}'],
});

/** An integer that a template may leave to a parameter. */
export function Int(options: SchemaOptions & { minimum?: number; maximum?: number }) {
  const { description, examples, ...rest } = options;
  return Type.Union([Type.Integer(rest), ParamRef], { description, examples });
}

/** A decimal number that a template may leave to a parameter. */
export function Num(options: SchemaOptions & { minimum?: number; maximum?: number }) {
  const { description, examples, ...rest } = options;
  return Type.Union([Type.Number(rest), ParamRef], { description, examples });
}

/** A boolean that a template may leave to a parameter. */
export function Bool(options: SchemaOptions) {
  const { description, examples, ...rest } = options;
  return Type.Union([Type.Boolean(rest), ParamRef], { description, examples });
}

/** Lower-case identifiers used for ids of everything a playbook names. */
export const ID_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';

export function Id(description: string, examples: string[]) {
  return Type.String({ pattern: ID_PATTERN, description, examples });
}

/** A map keyed by ids. */
export function IdMap<T extends TSchema>(value: T, options: SchemaOptions) {
  return Type.Record(Type.String({ pattern: ID_PATTERN }), value, {
    additionalProperties: false,
    ...options,
  });
}

export function Duration(description: string, examples: string[] = ['1d', '12h', '1d12h', '30m']) {
  return Type.String({ format: 'kith-duration', description, examples });
}

export function Cron(description: string, examples: string[] = ['0 20 * * 5', '30 7 * * *']) {
  return Type.String({ format: 'kith-cron', description, examples });
}

export function TimeZone(description: string, examples: string[] = ['Asia/Shanghai', 'Europe/Berlin']) {
  return Type.String({ format: 'kith-timezone', description, examples });
}

export function Currency(description: string, examples: string[] = ['CNY', 'USD']) {
  return Type.String({ format: 'kith-currency', description, examples });
}

/** A condition in the Kith expression language (checked by the validator, never `eval`ed). */
export function Expression(description: string, examples: string[]) {
  return Type.String({ format: 'kith-expression', minLength: 1, description, examples });
}

/** Message text in the Liquid template language. */
export function Template(description: string, examples: string[]) {
  return Type.String({ format: 'kith-template', description, examples });
}

export function TimeOfDay(description: string, examples: string[] = ['22:00', '08:30']) {
  return Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description, examples });
}

/** An event name: dotted lower-case words. */
export function EventName(description: string, examples: string[]) {
  return Type.String({ pattern: '^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$', description, examples });
}

/** Free-form values (plugin inputs, event data): any JSON. */
export function AnyValue(description: string, examples: unknown[]) {
  return Type.Unknown({ description, examples });
}

/**
 * An object schema whose properties are optional unless named in `required`: the language is
 * written with required fields listed once, next to the description, instead of wrapping every
 * optional field. Unknown keys are errors (`additionalProperties: false`) unless said otherwise.
 */
export function Obj<P extends TProperties, R extends keyof P & string = never>(
  properties: P,
  options: ObjectOptions & { required?: readonly R[] } = {},
): TObject<{ [K in keyof P]: K extends R ? P[K] : TOptional<P[K]> }> {
  const { required = [], ...rest } = options;
  const props: Record<string, TSchema> = {};
  for (const [key, schema] of Object.entries(properties)) {
    props[key] = (required as readonly string[]).includes(key) ? schema : Type.Optional(schema);
  }
  return Type.Object(props, { additionalProperties: false, ...rest }) as never;
}

/** Sections a reference can point into; the validator checks them and the editor offers them. */
export type RefSection =
  | 'channels'
  | 'payments'
  | 'offers'
  | 'tiers'
  | 'groups'
  | 'stages'
  | 'plugins'
  | 'rituals';

/**
 * A field naming something defined elsewhere in the playbook. The `x-kith-ref` annotation drives
 * the validator's reference check and the editor's pickers, so each reference is declared once.
 */
export function Ref(section: RefSection, description: string, examples: string[]) {
  return Type.String({ 'x-kith-ref': section, description, examples });
}
