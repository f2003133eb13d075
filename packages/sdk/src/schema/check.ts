import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { registerFormats } from './formats.js';

registerFormats();

/** One problem with a value, at a JSON pointer (`/token`, `/buttons/0/text`). */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** Compiled once per schema object: plugins define schemas at module scope, so this is a handful. */
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checker(schema: TSchema): TypeCheck<TSchema> {
  let c = compiled.get(schema);
  if (c === undefined) {
    c = TypeCompiler.Compile(schema);
    compiled.set(schema, c);
  }
  return c;
}

/** Compiles now, so a schema TypeBox cannot compile fails at definition, not at the first send. */
export function precompile(schema: TSchema): void {
  checker(schema);
}

/** Problems with `value` against `schema`, one per path (the first TypeBox reports), in order. */
export function checkValue(schema: TSchema, value: unknown): SchemaIssue[] {
  const c = checker(schema);
  if (c.Check(value)) return [];
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of c.Errors(value)) {
    const path = e.path === '' ? '/' : e.path;
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message: e.message });
  }
  return out;
}

/** A copy of `value` with the schema's defaults filled in (the input is not changed). */
export function withDefaults(schema: TSchema, value: unknown): unknown {
  return Value.Default(schema, structuredClone(value));
}
