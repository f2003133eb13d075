import type { Static, TObject } from '@sinclair/typebox';
import type { Plugin } from '../plugin/types.js';
import { checkValue, withDefaults } from '../schema/check.js';
import { secretPaths } from '../schema/secret.js';

export type ConfigIssueCode = 'invalid' | 'missing-secret' | 'literal-secret';

/** A problem with a plugin instance's `with:` block, at a JSON pointer inside it. */
export interface ConfigIssue {
  code: ConfigIssueCode;
  path: string;
  message: string;
}

export type ConfigResult<C> =
  | { ok: true; config: C /** The secret values in it, for log redaction. */; secrets: string[] }
  | { ok: false; issues: ConfigIssue[] };

/** Where secret values come from: a map or a lookup (the server's secret store). */
export type SecretSource = Readonly<Record<string, string>> | ((name: string) => string | undefined);

const SECRET_REF = /\$\{secrets\.([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_SECRET_REF = /^\$\{secrets\.[A-Za-z_][A-Za-z0-9_]*\}$/;

function lookup(source: SecretSource, name: string): string | undefined {
  return typeof source === 'function' ? source(name) : Object.hasOwn(source, name) ? source[name] : undefined;
}

/** Replaces `${secrets.X}` everywhere in a `with:` value; records which secrets were used or missing. */
function substitute(
  value: unknown,
  source: SecretSource,
  path: string,
  used: string[],
  issues: ConfigIssue[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(SECRET_REF, (ref, name: string) => {
      const v = lookup(source, name);
      if (v === undefined) {
        issues.push({ code: 'missing-secret', path: path || '/', message: `secret ${name} is not set` });
        return ref;
      }
      used.push(v);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, source, `${path}/${i}`, used, issues));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, source, `${path}/${k}`, used, issues);
    return out;
  }
  return value;
}

function at(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );
}

/**
 * The configuration a plugin instance runs with: secrets substituted, defaults filled, checked
 * against the plugin's schema. Errors are data, one per problem, at JSON pointers into `with:`.
 */
export function resolveConfig<S extends TObject>(
  plugin: Plugin<Static<S>> | Plugin,
  raw: Readonly<Record<string, unknown>> | undefined,
  secrets: SecretSource = {},
): ConfigResult<Static<S>> {
  const issues: ConfigIssue[] = [];
  const used: string[] = [];
  const substituted = substitute(raw ?? {}, secrets, '', used, issues);
  if (issues.length > 0) return { ok: false, issues };
  const config = withDefaults(plugin.config, substituted);
  for (const i of checkValue(plugin.config, config))
    issues.push({ code: 'invalid', path: i.path, message: i.message });
  if (issues.length > 0) return { ok: false, issues };
  for (const path of secretPaths(plugin.config)) {
    const v = at(config, path);
    if (typeof v === 'string' && v !== '') used.push(v);
  }
  return { ok: true, config: config as Static<S>, secrets: [...new Set(used)] };
}

/**
 * Static check of a `with:` block before any secret is known (the playbook validator, the
 * editor): secret fields must be `${secrets.X}` references, and everything else must fit the
 * schema. Values holding a reference are not checked further: their value is unknown.
 */
export function checkPluginConfig(
  plugin: Plugin,
  raw: Readonly<Record<string, unknown>> | undefined,
): ConfigIssue[] {
  const value = raw ?? {};
  const issues: ConfigIssue[] = [];
  for (const path of secretPaths(plugin.config)) {
    const v = at(value, path);
    if (typeof v === 'string' && !WHOLE_SECRET_REF.test(v)) {
      issues.push({
        code: 'literal-secret',
        path: `/${path.join('/')}`,
        message: `${path.join('.')} is a credential: write \${secrets.NAME}, never the value`,
      });
    }
  }
  const refPaths = new Set<string>();
  const mark = (v: unknown, p: string) => {
    if (typeof v === 'string' && v.includes('${secrets.')) refPaths.add(p);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) mark(x, `${p}/${k}`);
  };
  mark(value, '');
  for (const i of checkValue(plugin.config, withDefaults(plugin.config, value))) {
    if (!refPaths.has(i.path)) issues.push({ code: 'invalid', path: i.path, message: i.message });
  }
  return issues;
}
