/** Reading the published playbook JSON Schema: the step schema and its action kinds. */

export interface Schema {
  $id?: string;
  $ref?: string;
  type?: string | string[];
  description?: string;
  title?: string;
  examples?: unknown[];
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  'x-kith-ref'?: string;
}

/** Finds the sub-schema with a given `$id` (the playbook schema names `Step` that way). */
export function findById(schema: unknown, id: string, seen = new Set<unknown>()): Schema | undefined {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return undefined;
  seen.add(schema);
  if ((schema as Schema).$id === id) return schema as Schema;
  for (const v of Object.values(schema)) {
    const hit = findById(v, id, seen);
    if (hit) return hit;
  }
  return undefined;
}

/** Keys of a step that are not actions: identity, labels and the branches of other actions. */
export const STEP_META_KEYS = ['id', 'name', 'note', 'then', 'else', 'onTimeout'] as const;

/** The action kinds a step may have, with their schema, in the schema's order. */
export function stepKinds(stepSchema: Schema): { kind: string; schema: Schema }[] {
  return Object.entries(stepSchema.properties ?? {})
    .filter(([k]) => !(STEP_META_KEYS as readonly string[]).includes(k))
    .map(([kind, schema]) => ({ kind, schema }));
}

/** The alternatives of a union (`anyOf`/`oneOf`), or the schema itself. */
export function variantsOf(schema: Schema): Schema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}

/** Whether every alternative is a constant: the union is an enum. */
export function constOptions(schema: Schema): unknown[] | undefined {
  if (schema.enum) return schema.enum;
  const vs = schema.anyOf ?? schema.oneOf;
  if (vs?.every((v) => 'const' in v)) return vs.map((v) => v.const);
  return undefined;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(schema: Schema, value: unknown): boolean {
  if ('const' in schema) return schema.const === value;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return true;
  const t = typeOf(value);
  return types.some((ty) => ty === t || (ty === 'number' && t === 'integer'));
}

/** The alternative of a union that a value was written for (by type, then by required keys). */
export function pickVariant(schema: Schema, value: unknown): number {
  const vs = variantsOf(schema);
  const candidates = vs.map((v, i) => [v, i] as const).filter(([v]) => typeMatches(v, value));
  if (candidates.length === 0) return 0;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const best = candidates.find(
      ([v]) =>
        (v.required ?? []).every((r) => keys.includes(r)) && keys.every((k) => k in (v.properties ?? {})),
    );
    if (best) return best[1];
  }
  return candidates[0]![1];
}

/** A sensible first value for a schema: its first example, else its default, else an empty one. */
export function exampleOf(schema: Schema): unknown {
  if (schema.examples && schema.examples.length > 0) return structuredClone(schema.examples[0]);
  if (schema.default !== undefined) return structuredClone(schema.default);
  if ('const' in schema) return schema.const;
  const v = variantsOf(schema);
  if (v.length > 1 || v[0] !== schema) return exampleOf(v[0]!);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const r of schema.required ?? []) {
        const p = schema.properties?.[r];
        if (p) out[r] = exampleOf(p);
      }
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return '';
  }
}
