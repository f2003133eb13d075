/**
 * The published JSON Schema (schema/playbook.schema.json) is generated from the TypeBox source
 * and must not drift from it; and every field in it is documented, because IDE hovers, the
 * editor's forms and the language reference are all built from these descriptions and examples.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { playbookJsonSchema } from '../src/schema/json.js';

const PUBLISHED = fileURLToPath(new URL('../schema/playbook.schema.json', import.meta.url));

type Schema = Record<string, unknown>;

function isSchema(v: unknown): v is Schema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function documented(s: Schema): boolean {
  return (
    typeof s.description === 'string' &&
    s.description.trim() !== '' &&
    Array.isArray(s.examples) &&
    s.examples.length > 0
  );
}

/**
 * Every field of the schema, by a readable path: `properties` and `patternProperties` values,
 * list `items`, and the object-shaped branches of `anyOf`/`oneOf`/`allOf` (a union of plain values,
 * such as `integer | ${params.x}`, is documented once, on the union). A `$ref` is documented
 * where its target is defined.
 */
function fields(root: Schema): { path: string; schema: Schema }[] {
  const out: { path: string; schema: Schema }[] = [];
  const seen = new Set<object>();
  const walk = (s: Schema, path: string) => {
    if (seen.has(s)) return;
    seen.add(s);
    const field = (child: unknown, childPath: string) => {
      if (!isSchema(child)) return;
      if (typeof child.$ref !== 'string') out.push({ path: childPath, schema: child });
      walk(child, childPath);
    };
    for (const [k, v] of Object.entries((s.properties as Schema | undefined) ?? {})) field(v, `${path}/${k}`);
    for (const [k, v] of Object.entries((s.patternProperties as Schema | undefined) ?? {}))
      field(v, `${path}/{${k}}`);
    if (isSchema(s.additionalProperties)) field(s.additionalProperties, `${path}/{*}`);
    if (isSchema(s.items)) field(s.items, `${path}/[]`);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const branches = Array.isArray(s[key]) ? (s[key] as unknown[]) : [];
      branches.forEach((b, i) => {
        if (!isSchema(b)) return;
        const branchPath = `${path}<${key} ${i}>`;
        if (b.type === 'object' && typeof b.$ref !== 'string') out.push({ path: branchPath, schema: b });
        walk(b, branchPath);
      });
    }
    for (const key of ['then', 'else', 'not', 'if'] as const)
      if (isSchema(s[key])) walk(s[key] as Schema, path);
    for (const defs of ['$defs', 'definitions'] as const) {
      for (const [k, v] of Object.entries((s[defs] as Schema | undefined) ?? {}))
        if (isSchema(v)) walk(v, `#${k}`);
    }
  };
  walk(root, '');
  return out;
}

describe('published JSON Schema', () => {
  it('is up to date with the TypeBox source (regenerate: pnpm --filter @kith/playbook schema)', () => {
    const text = readFileSync(PUBLISHED, 'utf8');
    expect(JSON.parse(text)).toEqual(playbookJsonSchema());
    expect(text, 'formatted as the generator writes it').toBe(
      `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`,
    );
  });

  it('gives every field a description and at least one example', () => {
    const all = fields(playbookJsonSchema());
    // The walk reaches deep into the language (sanity check on the walk itself).
    expect(all.length).toBeGreaterThan(200);
    expect(all.map((f) => f.path)).toContain('/stages/{^[a-z][a-z0-9_-]{0,63}$}/journeys/[]/steps/[]');
    expect(all.some((f) => f.path.endsWith('/send/via'))).toBe(true);
    const undocumented = all.filter((f) => !documented(f.schema)).map((f) => f.path);
    expect(undocumented).toEqual([]);
  });
});
