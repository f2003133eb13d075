import { listOf, suggest } from '../values/suggest.js';
import { type Issue, pathIssue } from './issue.js';
import { isRecord, walkSteps } from './resolve.js';
import { checkForeignSchema } from './schema-check.js';

/**
 * What the validator needs to know of an installed plugin: the SDK's catalogue entry has this
 * shape (and more), so the language package needs no dependency on the SDK.
 */
export interface CataloguePlugin {
  name: string;
  version: string;
  configSchema: object;
  actions: Record<string, { inputSchema: object }>;
  capabilities: { channel: object | null; payment: object | null };
}

/**
 * Installed plugins. A channel and a payment plugin may share a name (`sandbox`): the section a
 * playbook names it in says which one is meant.
 */
export type PluginCatalogue = readonly CataloguePlugin[];

const relaxedCache = new WeakMap<object, object>();

/**
 * A playbook leaves out what has a default: the runtime fills it in. So a field with a `default`
 * is not required when a playbook's `with:` is checked.
 */
function relaxed(schema: object): object {
  let r = relaxedCache.get(schema);
  if (!r) {
    const s = schema as {
      properties?: Record<string, { default?: unknown }>;
      required?: string[];
      additionalProperties?: unknown;
    };
    const required = (s.required ?? []).filter((k) => s.properties?.[k]?.default === undefined);
    // A key the plugin does not know is a typo in the playbook, never something it reads.
    const closed =
      s.properties && s.additionalProperties === undefined ? { additionalProperties: false } : {};
    r = { ...schema, required, ...closed };
    relaxedCache.set(schema, r);
  }
  return r;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const seg of path)
    v = isRecord(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
  return v;
}

/** Problems the playbook can act on: a `${secrets.X}` value is known only at run time. */
function configProblems(schema: object, value: unknown) {
  return checkForeignSchema(relaxed(schema), value).filter((p) => {
    const v = valueAt(value, p.path);
    return !(typeof v === 'string' && v.includes('${secrets.'));
  });
}

/** `telegram@^1` → `telegram`; `@acme/x@^2` → `@acme/x`. */
export function pluginName(use: string): string {
  const at = use.indexOf('@', 1);
  return at === -1 ? use : use.slice(0, at);
}

/** `with:` blocks and `call` steps checked against the installed plugins' own schemas. */
export function checkPlugins(playbook: Record<string, unknown>, catalogue: PluginCatalogue): Issue[] {
  const issues: Issue[] = [];
  const instances = new Map<string, CataloguePlugin>();
  for (const section of ['channels', 'payments'] as const) {
    const entries = isRecord(playbook[section]) ? (playbook[section] as Record<string, unknown>) : {};
    for (const [id, inst] of Object.entries(entries)) {
      if (!isRecord(inst) || typeof inst.use !== 'string') continue;
      const name = pluginName(inst.use);
      const role = section === 'channels' ? 'channel' : 'payment';
      const named = catalogue.filter((p) => p.name === name);
      const plugin = named.find((p) => p.capabilities[role] !== null) ?? named[0];
      if (!plugin) {
        const known = [...new Set(catalogue.filter((p) => p.capabilities[role] !== null).map((p) => p.name))];
        issues.push(
          pathIssue('plugin-unknown', [section, id, 'use'], {
            name,
            known: listOf(known),
            suggestion: suggest(name, known) ?? '',
          }),
        );
        continue;
      }
      instances.set(id, plugin);
      if (plugin.capabilities[role] === null) {
        issues.push(
          pathIssue('plugin-config', [section, id, 'use'], {
            where: `${role} \`${id}\``,
            whereZh: `${role === 'channel' ? '渠道' : '支付'} \`${id}\``,
            plugin: name,
            detail: `the ${name} plugin is not a ${role} plugin; move it under \`${role === 'channel' ? 'payments' : 'channels'}:\``,
          }),
        );
        continue;
      }
      const config = isRecord(inst.with) ? inst.with : {};
      for (const problem of configProblems(plugin.configSchema, config)) {
        issues.push(
          pathIssue(
            'plugin-config',
            [section, id, ...(isRecord(inst.with) ? ['with'] : []), ...problem.path],
            {
              where: `\`with\` of ${role} \`${id}\``,
              whereZh: `${role === 'channel' ? '渠道' : '支付'} \`${id}\` 的 \`with\``,
              plugin: name,
              detail: problem.message,
            },
          ),
        );
      }
    }
  }
  for (const { step, path } of walkSteps(playbook)) {
    const call = step.call;
    if (!isRecord(call) || typeof call.plugin !== 'string' || typeof call.action !== 'string') continue;
    const plugin = instances.get(call.plugin);
    if (!plugin) continue;
    const action = plugin.actions[call.action];
    if (!action) {
      const known = Object.keys(plugin.actions);
      issues.push(
        pathIssue('plugin-config', [...path, 'call', 'action'], {
          where: `step \`${String(step.id)}\``,
          whereZh: `步骤 \`${String(step.id)}\``,
          plugin: plugin.name,
          detail: `the ${plugin.name} plugin has no action \`${call.action}\` (it has: ${listOf(known)})`,
        }),
      );
      continue;
    }
    for (const problem of configProblems(action.inputSchema, isRecord(call.with) ? call.with : {})) {
      issues.push(
        pathIssue('plugin-config', [...path, 'call', 'with', ...problem.path], {
          where: `input of \`${call.action}\``,
          whereZh: `\`${call.action}\` 的输入`,
          plugin: plugin.name,
          detail: problem.message,
        }),
      );
    }
  }
  return issues;
}
