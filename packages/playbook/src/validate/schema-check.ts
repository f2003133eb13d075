import type { ErrorObject } from 'ajv';
import Ajv2020Import from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { ID_PATTERN, PARAM_REF_PATTERN } from '../schema/common.js';
import { playbookJsonSchema, playbookTestJsonSchema, simulationJsonSchema } from '../schema/json.js';
import { cronError, isCurrency, isTimeZone, knownTimeZones } from '../values/calendar.js';
import { parseDuration } from '../values/duration.js';
import { type Issue, pathIssue } from './issue.js';
import { suggest } from './suggest.js';
import { describeWhere } from './where.js';

type AjvClass = typeof Ajv2020Import.default;
// ajv ships CommonJS; under Node ESM the default import is the class, under bundlers `.default`.
const Ajv2020: AjvClass =
  (Ajv2020Import as unknown as { default?: AjvClass }).default ?? (Ajv2020Import as unknown as AjvClass);

const PARAM_REF = new RegExp(PARAM_REF_PATTERN);
const isParamRef = (s: string) => PARAM_REF.test(s);

/** Custom formats; a `${params.x}` left unresolved (a template validated on its own) passes. */
const FORMATS: Record<string, (s: string) => boolean> = {
  'kith-duration': (s) => isParamRef(s) || parseDuration(s) !== undefined,
  // A point on a test's timeline: a duration that may be zero (`0s` is the start itself).
  'kith-offset': (s) => /^(?:\d{1,9}[smhdw])+$/.test(s),
  'kith-cron': (s) => isParamRef(s) || cronError(s) === undefined,
  'kith-timezone': (s) => isParamRef(s) || isTimeZone(s),
  'kith-currency': (s) => isParamRef(s) || isCurrency(s),
  // Checked by the semantic pass, which reports positions inside the text.
  'kith-expression': () => true,
  'kith-template': () => true,
};

type AddFormats = typeof addFormatsImport.default;
const addFormats: AddFormats =
  (addFormatsImport as unknown as { default?: AddFormats }).default ??
  (addFormatsImport as unknown as AddFormats);

type Validator = ReturnType<InstanceType<AjvClass>['compile']>;

/** The documents Kith reads, each with its published schema. */
export type DocumentKind = 'playbook' | 'test' | 'simulation';
const SCHEMAS: Record<DocumentKind, () => Record<string, unknown>> = {
  playbook: playbookJsonSchema,
  test: playbookTestJsonSchema,
  simulation: simulationJsonSchema,
};

let ajv: InstanceType<AjvClass> | undefined;
const compiled = new Map<DocumentKind, Validator>();

function sharedAjv(): InstanceType<AjvClass> {
  if (!ajv) {
    // Never print: problems are diagnostics, and plugin schemas may use formats we don't check.
    ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true, logger: false });
    for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
    addFormats(ajv);
  }
  return ajv;
}

/** One ajv instance; each schema compiled on first use, then shared. */
function validator(kind: DocumentKind): Validator {
  let v = compiled.get(kind);
  if (!v) {
    v = sharedAjv().compile(SCHEMAS[kind]());
    compiled.set(kind, v);
  }
  return v;
}

const foreign = new WeakMap<object, Validator>();

/**
 * Check a value against a schema that is not ours (a plugin's config or action input), with the
 * same ajv instance; each schema object is compiled once. Returns JSON-path problems in words.
 */
export function checkForeignSchema(
  schema: object,
  value: unknown,
): { path: (string | number)[]; message: string }[] {
  let v = foreign.get(schema);
  if (!v) {
    const { $id: _id, ...rest } = schema as Record<string, unknown>;
    v = sharedAjv().compile(rest);
    foreign.set(schema, v);
  }
  if (v(value)) return [];
  return (v.errors ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf')
    .map((e) => {
      const path = pathOf(e.instancePath, value);
      if (e.keyword === 'additionalProperties') {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        return { path: [...path, field], message: `unknown field \`${field}\`` };
      }
      if (e.keyword === 'required') {
        const field = String((e.params as { missingProperty: string }).missingProperty);
        return { path, message: `missing required field \`${field}\`` };
      }
      const where = path.length ? `\`${path.join('.')}\` ` : '';
      return { path, message: `${where}${e.message ?? e.keyword}` };
    });
}

/** Validate a resolved document against its JSON Schema, as issues with JSON paths. */
export function checkSchema(value: unknown, kind: DocumentKind = 'playbook'): Issue[] {
  const validate = validator(kind);
  if (validate(value)) return [];
  let errors = collapseAnyOf([...(validate.errors ?? [])], value);
  // `kith: null` breaks both `type: number` and `const: 1`: the allowed values say it once.
  const valued = new Set(
    errors.filter((e) => e.keyword === 'const' || e.keyword === 'enum').map((e) => e.instancePath),
  );
  errors = errors.filter((e) => !(e.keyword === 'type' && valued.has(e.instancePath)));
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const issue = toIssue(e, value);
    if (!issue) continue;
    const key = `${issue.code}|${JSON.stringify(issue.at)}|${JSON.stringify(issue.args)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  // `stage:` instead of `stages:` is one mistake: the unknown field's "did you mean" says it all,
  // so the missing field it names is not reported again.
  const misspelt = new Set(
    issues
      .filter((i) => i.code === 'unknown-field' && i.args.suggestion && 'path' in i.at)
      .map((i) => `${JSON.stringify((i.at as { path: unknown[] }).path.slice(0, -1))}|${i.args.suggestion}`),
  );
  return issues.filter(
    (i) =>
      !(
        i.code === 'missing-field' &&
        'path' in i.at &&
        misspelt.has(`${JSON.stringify(i.at.path)}|${i.args.field}`)
      ),
  );
}

function pathOf(pointer: string, root: unknown): (string | number)[] {
  if (!pointer) return [];
  const out: (string | number)[] = [];
  let value: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(value) && /^\d+$/.test(seg) ? Number(seg) : seg;
    out.push(key);
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string | number, unknown>)[key]
        : undefined;
  }
  return out;
}

function at(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const s of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[s] : undefined;
  return v;
}

/**
 * ajv reports every branch of an `anyOf`. Keep the branch the value was evidently meant for
 * (its type matches and, for mappings, its required keys are there); when none fits, replace them
 * all with one "must be X or Y" error.
 */
function collapseAnyOf(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const anyOfs = errors
    .filter((e) => e.keyword === 'anyOf')
    .sort(
      (a, b) => a.instancePath.length - b.instancePath.length || a.schemaPath.length - b.schemaPath.length,
    );
  let remaining = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if');
  const replacements: ErrorObject[] = [];
  for (const anyOf of anyOfs) {
    const prefix = `${anyOf.schemaPath}/`;
    const inside = (e: ErrorObject) =>
      e.schemaPath.startsWith(prefix) &&
      (e.instancePath === anyOf.instancePath || e.instancePath.startsWith(`${anyOf.instancePath}/`));
    const subs = remaining.filter(inside);
    if (subs.length === 0 && !remaining.some(inside)) {
      // Already removed with an outer branch.
      if (!errors.includes(anyOf)) continue;
    }
    const branches = new Map<number, ErrorObject[]>();
    for (const e of subs) {
      const idx = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      if (!branches.has(idx)) branches.set(idx, []);
      branches.get(idx)!.push(e);
    }
    const schemas = (anyOf.schema as Record<string, unknown>[]) ?? [];
    const data = at(root, pathOf(anyOf.instancePath, root));
    const candidates = [...branches.entries()].filter(([, errs]) =>
      errs.every(
        (e) =>
          !(
            e.instancePath === anyOf.instancePath && ['type', 'const', 'enum', 'pattern'].includes(e.keyword)
          ) &&
          !(
            e.instancePath === anyOf.instancePath &&
            e.keyword === 'required' &&
            isObject(data) &&
            Object.keys(data).length > 0 &&
            !hasAnyKeyOf(data, schemas[Number(e.schemaPath.slice(prefix.length).split('/')[0])])
          ),
      ),
    );
    remaining = remaining.filter((e) => !inside(e));
    if (candidates.length > 0) {
      candidates.sort((a, b) => a[1].length - b[1].length);
      remaining.push(...candidates[0]![1]);
    } else if (subs.length > 0 || !schemas.some((s) => matchesType(s, data))) {
      replacements.push({ ...anyOf, keyword: 'type', params: { type: expectedOf(schemas) } });
    }
  }
  return [...remaining, ...replacements];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function hasAnyKeyOf(data: Record<string, unknown>, schema: Record<string, unknown> | undefined): boolean {
  const props = schema?.properties as Record<string, unknown> | undefined;
  return !!props && Object.keys(data).some((k) => k in props);
}

function matchesType(schema: Record<string, unknown>, data: unknown): boolean {
  const t = schema.type;
  return t === jsonType(data) || (t === 'number' && jsonType(data) === 'integer');
}

function expectedOf(schemas: Record<string, unknown>[]): string {
  const parts: string[] = [];
  for (const s of schemas) {
    if (s.const !== undefined) parts.push(JSON.stringify(s.const));
    else if (s.pattern === PARAM_REF_PATTERN) parts.push('paramref');
    else if (typeof s.type === 'string') parts.push(s.type);
  }
  return [...new Set(parts)].join('|');
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const TYPE_WORDS: Record<string, [string, string]> = {
  string: ['text', '文本'],
  integer: ['a whole number', '整数'],
  number: ['a number', '数字'],
  boolean: ['true or false', '布尔值（true/false）'],
  object: ['a mapping (key: value)', '映射（键: 值）'],
  array: ['a list', '列表'],
  null: ['empty', '空值'],
  paramref: ['a `${params.name}` reference', '`${params.名称}` 参数引用'],
};

function typeWords(types: string): [string, string] {
  const parts = types.split('|').map((t) => TYPE_WORDS[t] ?? [t, t]);
  const en = parts.map((p) => p[0] ?? '');
  const zh = parts.map((p) => p[1] ?? '');
  const join = (xs: string[], or: string) =>
    xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} ${or} ${xs.at(-1)}`;
  return [join(en, 'or'), join(zh, '或')];
}

function example(e: ErrorObject): string {
  const ex = (e.parentSchema as { examples?: unknown[] } | undefined)?.examples?.[0];
  return ex === undefined ? '' : typeof ex === 'string' ? ex : JSON.stringify(ex);
}

function toIssue(e: ErrorObject, root: unknown): Issue | undefined {
  const path = pathOf(e.instancePath, root);
  const where = describeWhere(root, path);
  const data = e.data;
  switch (e.keyword) {
    case 'required': {
      const field = String((e.params as { missingProperty: string }).missingProperty);
      const description =
        (e.parentSchema as { properties?: Record<string, { description?: string }> })?.properties?.[field]
          ?.description ?? '';
      // Point at the key of the mapping that lacks the field (the step itself in a list).
      return pathIssue(
        'missing-field',
        path,
        { field, where: where.en, whereZh: where.zh, description },
        { key: path.length === 0 || typeof path.at(-1) === 'string' },
      );
    }
    case 'additionalProperties': {
      const field = String((e.params as { additionalProperty: string }).additionalProperty);
      const parent = e.parentSchema as {
        properties?: Record<string, unknown>;
        patternProperties?: Record<string, unknown>;
      };
      if (parent.patternProperties && !parent.properties) {
        return pathIssue('invalid-id', [...path, field], { value: field }, { key: true });
      }
      const allowed = Object.keys(parent.properties ?? {});
      return pathIssue(
        'unknown-field',
        [...path, field],
        {
          field,
          where: where.en,
          whereZh: where.zh,
          suggestion: suggest(field, allowed) ?? '',
          allowed: allowed.map((a) => `\`${a}\``).join(', '),
        },
        { key: true },
      );
    }
    case 'type': {
      const [expected, expectedZh] = typeWords(String((e.params as { type: string }).type));
      const actual = jsonType(data);
      const [actualEn, actualZh] = TYPE_WORDS[actual] ?? [actual, actual];
      return pathIssue('wrong-type', path, {
        where: where.en,
        whereZh: where.zh,
        expected,
        expectedZh,
        actual: actual === 'string' ? `"${String(data).slice(0, 40)}"` : actualEn,
        actualZh: actual === 'string' ? `"${String(data).slice(0, 40)}"` : actualZh,
        example: example(e),
      });
    }
    case 'const':
    case 'enum': {
      const allowed =
        e.keyword === 'const'
          ? JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)
          : ((e.params as { allowedValues: unknown[] }).allowedValues ?? [])
              .map((v) => JSON.stringify(v))
              .join(', ');
      return pathIssue('invalid-value', path, {
        where: where.en,
        whereZh: where.zh,
        allowed,
        actual: JSON.stringify(data),
      });
    }
    case 'format': {
      const value = String(data);
      switch ((e.params as { format: string }).format) {
        case 'kith-duration':
        case 'kith-offset':
          return pathIssue('invalid-duration', path, { value });
        case 'kith-cron':
          return pathIssue('invalid-cron', path, { value, detail: cronError(value) ?? '' });
        case 'kith-timezone':
          return pathIssue('invalid-timezone', path, {
            value,
            suggestion: suggest(value, knownTimeZones()) ?? '',
          });
        case 'kith-currency':
          return pathIssue('invalid-currency', path, { value });
        default:
          return pathIssue('invalid-format', path, {
            where: where.en,
            whereZh: where.zh,
            detail: e.message ?? '',
            example: example(e),
          });
      }
    }
    case 'pattern': {
      const pattern = (e.params as { pattern: string }).pattern;
      if (pattern === ID_PATTERN) return pathIssue('invalid-id', path, { value: String(data) });
      const description = (e.parentSchema as { description?: string }).description ?? '';
      return pathIssue('invalid-format', path, {
        where: where.en,
        whereZh: where.zh,
        detail: `${JSON.stringify(data)} does not fit: ${description}`,
        example: example(e),
      });
    }
    case 'propertyNames':
      return undefined;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength':
    case 'minProperties':
      return pathIssue('out-of-range', path, {
        where: where.en,
        whereZh: where.zh,
        detail: rangeEn(e),
        detailZh: rangeZh(e),
      });
    default:
      return pathIssue('invalid-format', path, {
        where: where.en,
        whereZh: where.zh,
        detail: e.message ?? e.keyword,
        example: example(e),
      });
  }
}

/** ajv's English ("must NOT have fewer than 1 properties") in plain words. */
function rangeEn(e: ErrorObject): string {
  const p = e.params as { limit?: number };
  const n = p.limit ?? 0;
  const plural = (one: string, many: string) => (n === 1 ? one : many);
  switch (e.keyword) {
    case 'minimum':
      return `must be at least ${n}`;
    case 'maximum':
      return `must be at most ${n}`;
    case 'exclusiveMinimum':
      return `must be more than ${n}`;
    case 'exclusiveMaximum':
      return `must be less than ${n}`;
    case 'minItems':
      return n === 1 ? 'must not be an empty list' : `needs at least ${n} ${plural('item', 'items')}`;
    case 'maxItems':
      return `may have at most ${n} ${plural('item', 'items')}`;
    case 'minLength':
      return n === 1 ? 'must not be empty' : `must be at least ${n} characters long`;
    case 'maxLength':
      return `must be at most ${n} characters long`;
    case 'minProperties':
      return `needs at least ${n} ${plural('entry', 'entries')}`;
    default:
      return e.message ?? e.keyword;
  }
}

function rangeZh(e: ErrorObject): string {
  const p = e.params as { limit?: number; comparison?: string };
  switch (e.keyword) {
    case 'minimum':
      return `不能小于 ${p.limit}`;
    case 'maximum':
      return `不能大于 ${p.limit}`;
    case 'minItems':
      return `至少需要 ${p.limit} 项`;
    case 'maxItems':
      return `最多只能有 ${p.limit} 项`;
    case 'exclusiveMinimum':
      return `必须大于 ${p.limit}`;
    case 'exclusiveMaximum':
      return `必须小于 ${p.limit}`;
    case 'minLength':
      return p.limit === 1 ? '不能为空' : `至少需要 ${p.limit} 个字符`;
    case 'maxLength':
      return `最多 ${p.limit} 个字符`;
    case 'minProperties':
      return `至少需要 ${p.limit} 个条目`;
    default:
      return e.message ?? '';
  }
}
