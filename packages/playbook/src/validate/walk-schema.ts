import { playbookJsonSchema } from '../schema/json.js';

export type JsonSchema = {
  $id?: string;
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  'x-kith-ref'?: string;
  description?: string;
  examples?: unknown[];
  [k: string]: unknown;
};

let root: JsonSchema | undefined;
const byId = new Map<string, JsonSchema>();

function schemaRoot(): JsonSchema {
  if (!root) {
    root = playbookJsonSchema() as JsonSchema;
    const index = (s: unknown) => {
      if (s === null || typeof s !== 'object') return;
      const o = s as JsonSchema;
      if (typeof o.$id === 'string') byId.set(o.$id, o);
      for (const v of Object.values(o)) {
        if (Array.isArray(v)) v.forEach(index);
        else index(v);
      }
    };
    index(root);
  }
  return root;
}

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let r = patterns.get(pattern);
  if (!r) {
    r = new RegExp(pattern);
    patterns.set(pattern, r);
  }
  return r;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function fits(schema: JsonSchema, value: unknown): number {
  const t = jsonType(value);
  const st = schema.type;
  if (st === undefined) return 1;
  if (st !== t && !(st === 'number' && t === 'integer')) return 0;
  if (t === 'object' && schema.properties) {
    const keys = Object.keys(value as object);
    return 2 + keys.filter((k) => k in schema.properties!).length;
  }
  if (t === 'string' && typeof schema.pattern === 'string')
    return regex(schema.pattern).test(value as string) ? 3 : 0;
  return 2;
}

/** `path` is the walker's live stack: copy it to keep it beyond the call. */
export type SchemaVisitor = (path: readonly (string | number)[], value: unknown, schema: JsonSchema) => void;

/**
 * Walk a playbook value alongside its JSON Schema and call `visit` for every value with the
 * schema that describes it. Annotations in the schema (`format`, `x-kith-ref`) thus drive the
 * semantic checks: a new field with an expression or a reference is checked without new code.
 */
export function walkWithSchema(value: unknown, visit: SchemaVisitor): void {
  walk(value, schemaRoot(), [], visit, 0);
}

function walk(
  value: unknown,
  schema: JsonSchema,
  path: (string | number)[],
  visit: SchemaVisitor,
  depth: number,
): void {
  if (depth > 200) return;
  let s = schema;
  if (s.$ref) s = byId.get(s.$ref) ?? s;
  if (s.anyOf) {
    let best: JsonSchema | undefined;
    let score = 0;
    for (const branch of s.anyOf) {
      const b = branch.$ref ? (byId.get(branch.$ref) ?? branch) : branch;
      const f = fits(b, value);
      if (f > score) {
        score = f;
        best = b;
      }
    }
    if (!best) return;
    s = best;
  }
  visit(path, value, s);
  if (Array.isArray(value)) {
    if (s.items) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walk(value[i], s.items, path, visit, depth + 1);
        path.pop();
      }
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    let child = s.properties?.[k];
    if (!child && s.patternProperties) {
      for (const [pattern, ps] of Object.entries(s.patternProperties)) {
        if (regex(pattern).test(k)) {
          child = ps;
          break;
        }
      }
    }
    if (child) {
      path.push(k);
      walk(v, child, path, visit, depth + 1);
      path.pop();
    }
  }
}

/** The schema's annotation for the keys of a map (e.g. tier prices keyed by tier id). */
export function keyRefOf(schema: JsonSchema): string | undefined {
  const keys = schema['x-kith-keys'];
  return typeof keys === 'string' ? keys : undefined;
}
