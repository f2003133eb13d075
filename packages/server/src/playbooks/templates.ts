import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/** The prefix `extends:` uses for the built-in library, and the one for an agency's own templates. */
export const BUILTIN_PREFIX = '@kith/templates/';
export const AGENCY_PREFIX = '@agency/';

export interface TemplateInfo {
  id: string;
  name: string;
  description: string;
  /** Each parameter as JSON Schema (money: integer minor units), for the client form. */
  params: Record<string, Record<string, unknown>>;
  source: string;
  origin: 'builtin' | 'agency';
}

let builtinDir: string | undefined;

/** The folder of `@kith/templates` (one sub-folder per template). */
export function builtinTemplatesDir(): string {
  builtinDir ??= dirname(createRequire(import.meta.url).resolve('@kith/templates/package.json'));
  return builtinDir;
}

let builtins: Map<string, TemplateInfo> | undefined;

/** The built-in templates, read once. */
export function builtinTemplates(): Map<string, TemplateInfo> {
  if (builtins) return builtins;
  const dir = builtinTemplatesDir();
  const out = new Map<string, TemplateInfo>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'playbook.yaml');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const info = templateInfo(entry.name, readFileSync(file, 'utf8'), 'builtin');
    if (info) out.set(info.id, info);
  }
  builtins = new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
  return builtins;
}

const PARAM_TYPES: Record<string, Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  duration: { type: 'string', pattern: '^(\\d+(ms|s|m|h|d|w))+$' },
  money: { type: 'integer', minimum: 0 },
};

/** A template's summary from its text; undefined when the text is not a YAML mapping. */
export function templateInfo(
  id: string,
  source: string,
  origin: TemplateInfo['origin'],
): TemplateInfo | undefined {
  let doc: unknown;
  try {
    doc = parse(source, { maxAliasCount: 100 });
  } catch {
    doc = undefined;
  }
  const d = (doc !== null && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const params: Record<string, Record<string, unknown>> = {};
  const specs = (d.params ?? {}) as Record<string, Record<string, unknown>>;
  if (specs && typeof specs === 'object') {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec === null || typeof spec !== 'object') continue;
      const schema: Record<string, unknown> = { ...(PARAM_TYPES[String(spec.type)] ?? {}) };
      if (spec.type === 'money') schema['x-kith-type'] = 'money';
      for (const k of ['description', 'default', 'enum', 'minimum', 'maximum', 'pattern'] as const) {
        if (spec[k] !== undefined) schema[k] = spec[k];
      }
      params[name] = schema;
    }
  }
  return {
    id,
    name: typeof d.name === 'string' ? d.name : id,
    description: typeof d.description === 'string' ? d.description : '',
    params,
    source,
    origin,
  };
}
