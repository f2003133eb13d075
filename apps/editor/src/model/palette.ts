/**
 * The palette of steps an operator can add: one entry per action kind of the step schema, plus
 * one per channel instance of the playbook (`send` through it) and one per plugin action reachable
 * through an instance (`call`), from the server's plugin catalogue.
 */
import { exampleOf, type Schema, stepKinds } from './schema.js';

export interface CatalogueEntry {
  name: string;
  kind: string;
  description: string;
  actions: Record<string, { inputSchema: Schema }>;
}

export interface PaletteItem {
  /** Stable key for the UI. */
  key: string;
  kind: string;
  /** What the card says: the kind, or "send via wecom", "call crm.createTicket". */
  label: string;
  description: string;
  group: 'step' | 'channel' | 'action';
  /** The step fields to insert (without `id`). */
  fields: Record<string, unknown>;
  /** For `call`: the action's input schema, for the `with` form. */
  inputSchema?: Schema;
}

/** A playbook's plugin instances (`channels`/`payments` sections): instance id → plugin name. */
export interface Instances {
  channels: Record<string, string>;
  payments: Record<string, string>;
}

/** `wecom@^1` → `wecom`. */
export function pluginOf(use: unknown): string {
  return typeof use === 'string' ? use.split('@')[0]! : '';
}

export function instancesOf(playbook: unknown): Instances {
  const out: Instances = { channels: {}, payments: {} };
  if (typeof playbook !== 'object' || playbook === null) return out;
  for (const section of ['channels', 'payments'] as const) {
    const s = (playbook as Record<string, unknown>)[section];
    if (typeof s === 'object' && s !== null)
      for (const [id, def] of Object.entries(s))
        out[section][id] = pluginOf((def as { use?: unknown } | null)?.use);
  }
  return out;
}

/** The first value of a step kind, with references filled from what the playbook defines. */
function starter(schema: Schema, refs: Record<string, readonly string[]>): unknown {
  const value = exampleOf(schema);
  const fill = (v: unknown, s: Schema | undefined): unknown => {
    if (!s) return v;
    const section = s['x-kith-ref'];
    if (section && typeof v === 'string') return refs[section]?.[0] ?? v;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const variant = s.anyOf?.find((x) => x.type === 'object') ?? s;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, variant.properties?.[k])]));
    }
    if (typeof v === 'string' && s.anyOf)
      return fill(
        v,
        s.anyOf.find((x) => x.type === 'string'),
      );
    return v;
  };
  return fill(value, schema);
}

export function buildPalette(
  stepSchema: Schema,
  playbook: unknown,
  catalogue: readonly CatalogueEntry[],
  refs: Record<string, readonly string[]>,
): PaletteItem[] {
  const items: PaletteItem[] = [];
  for (const { kind, schema } of stepKinds(stepSchema)) {
    const fields: Record<string, unknown> = { [kind]: starter(schema, refs) };
    if (kind === 'if') fields.then = [];
    items.push({
      key: `kind:${kind}`,
      kind,
      label: kind,
      description: schema.description ?? '',
      group: 'step',
      fields,
    });
  }
  const inst = instancesOf(playbook);
  const sendSchema = stepSchema.properties?.send;
  for (const [id, plugin] of Object.entries(inst.channels)) {
    const entry = catalogue.find((c) => c.name === plugin && c.kind === 'channel');
    items.push({
      key: `send:${id}`,
      kind: 'send',
      label: `send → ${id}`,
      description: entry?.description ?? sendSchema?.description ?? '',
      group: 'channel',
      fields: { send: { via: id, text: '' } },
    });
  }
  const all: [string, string][] = [...Object.entries(inst.channels), ...Object.entries(inst.payments)];
  for (const [id, plugin] of all) {
    for (const entry of catalogue.filter((c) => c.name === plugin)) {
      for (const [action, { inputSchema }] of Object.entries(entry.actions ?? {})) {
        if (items.some((i) => i.key === `call:${id}.${action}`)) continue;
        const input = exampleOf(inputSchema);
        items.push({
          key: `call:${id}.${action}`,
          kind: 'call',
          label: `call ${id}.${action}`,
          description: inputSchema.description ?? entry.description,
          group: 'action',
          fields: {
            call: {
              plugin: id,
              action,
              ...(typeof input === 'object' && input !== null && Object.keys(input).length > 0
                ? { with: input }
                : {}),
            },
          },
          inputSchema,
        });
      }
    }
  }
  return items;
}

/** Names defined in each section a reference may point to (`channels`, `offers`, `tiers`…). */
export function refNamesOf(playbook: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (typeof playbook !== 'object' || playbook === null) return out;
  const p = playbook as Record<string, unknown>;
  for (const section of ['channels', 'payments', 'offers', 'tiers', 'groups', 'stages', 'campaigns']) {
    const s = p[section];
    if (typeof s === 'object' && s !== null && !Array.isArray(s)) out[section] = Object.keys(s);
  }
  out.plugins = [...(out.channels ?? []), ...(out.payments ?? [])];
  return out;
}
