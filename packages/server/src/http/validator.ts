import type { TSchema } from '@sinclair/typebox';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020Import from 'ajv/dist/2020.js';
import type { ProblemField } from './problem.js';

type AjvClass = typeof Ajv2020Import.default;
// ajv ships CommonJS: under Node ESM the default import is the class, under bundlers `.default`.
const Ajv2020: AjvClass =
  (Ajv2020Import as unknown as { default?: AjvClass }).default ?? (Ajv2020Import as unknown as AjvClass);

/** The formats request schemas use; anything else is accepted (formats never decide security). */
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s),
  uri: (s) => URL.canParse(s),
};

function makeAjv(coerce: boolean): InstanceType<AjvClass> {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false, coerceTypes: coerce });
  for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  return ajv;
}

const bodyAjv = makeAjv(false);
// Query strings are text: `?limit=20` must satisfy `{ type: 'integer' }`.
const queryAjv = makeAjv(true);
const bodyCache = new WeakMap<TSchema, ValidateFunction>();
const queryCache = new WeakMap<TSchema, ValidateFunction>();

/** Compiles each schema once per kind (body or query) and keeps the validator for the process. */
export function validatorFor(schema: TSchema, kind: 'body' | 'query'): ValidateFunction {
  const cache = kind === 'body' ? bodyCache : queryCache;
  let v = cache.get(schema);
  if (!v) {
    v = (kind === 'body' ? bodyAjv : queryAjv).compile(schema);
    cache.set(schema, v);
  }
  return v;
}

/** ajv's errors as located problems; `prefix` roots the pointers (`''` for bodies, `/query` for queries). */
export function fieldsOf(errors: readonly ErrorObject[] | null | undefined, prefix: string): ProblemField[] {
  const out: ProblemField[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let path = e.instancePath;
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      const missing = String((e.params as { missingProperty?: unknown }).missingProperty);
      path = `${path}/${escapePointer(missing)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      path = `${path}/${escapePointer(extra)}`;
      message = 'is not a known field; remove it';
    }
    const full = `${prefix}${path}`;
    const key = `${full}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: full === '' ? '/' : full, message, code: e.keyword });
  }
  return out;
}

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
