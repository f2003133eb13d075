import type { TSchema } from '@sinclair/typebox';
import type { ChannelFormat, ChannelTarget } from '../channel/types.js';
import type { RateLimitCounts, RateLimitScope } from '../rate-limit/types.js';
import type { Plugin } from './types.js';

/** JSON as it crosses the API: what the validator and the editor read about a plugin. */
export type JsonSchema = { [key: string]: unknown };

export interface CatalogueEntry {
  name: string;
  version: string;
  displayName: string;
  description: string;
  contextVersion: number;
  configSchema: JsonSchema;
  /** Dotted paths of secret fields: the editor renders them write-only, the validator requires `${secrets.X}`. */
  secrets: string[];
  actions: Record<
    string,
    { displayName: string; description: string; inputSchema: JsonSchema; outputSchema: JsonSchema | null }
  >;
  capabilities: {
    channel: {
      targets: ChannelTarget[];
      formats: ChannelFormat[];
      groups: ('create' | 'add' | 'remove' | 'mute')[];
      invites: boolean;
      inbound: boolean;
    } | null;
    payment: {
      currencies: string[] | null;
      refunds: boolean;
      /** Can hold a payment and capture or void it later: what a pre-sale needs. */
      holds: boolean;
      inbound: boolean;
    } | null;
    actions: string[];
    triggers: string[];
  };
  rateLimits: {
    name: string;
    max: number;
    perMs: number;
    scope: RateLimitScope;
    counts: RateLimitCounts;
    description: string | null;
  }[];
  events: Record<string, { description: string; dataSchema: JsonSchema | null }>;
}

/** A TypeBox schema as plain JSON Schema (TypeBox keeps its metadata under symbols, which JSON drops). */
function toJson(schema: TSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

function secretList(schema: TSchema, prefix = ''): string[] {
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  return Object.entries(props).flatMap(([k, s]) =>
    (s as Record<string, unknown>)['x-kith-secret'] === true
      ? [`${prefix}${k}`]
      : secretList(s, `${prefix}${k}.`),
  );
}

/**
 * The plugin as plain JSON, for the catalogue: the validator checks a playbook's `with:` blocks
 * and `call:` inputs against the schemas, the editor renders forms and knows each channel's
 * targets, formats and limits. Contains no functions and no secrets.
 */
export function pluginCatalogueEntry(plugin: Plugin): CatalogueEntry {
  const { channel, payment, actions, triggers } = plugin.capabilities;
  return {
    name: plugin.name,
    version: plugin.version,
    displayName: plugin.displayName,
    description: plugin.description,
    contextVersion: plugin.contextVersion,
    configSchema: toJson(plugin.config),
    secrets: secretList(plugin.config),
    actions: Object.fromEntries(
      Object.values(actions).map((a) => [
        a.name,
        {
          displayName: a.displayName,
          description: a.description,
          inputSchema: toJson(a.input),
          outputSchema: a.output === null ? null : toJson(a.output),
        },
      ]),
    ),
    capabilities: {
      channel:
        channel === null
          ? null
          : {
              targets: [...channel.targets],
              formats: [...(channel.formats ?? [])],
              groups: (
                [
                  ['create', channel.createGroup],
                  ['add', channel.addMember],
                  ['remove', channel.removeMember],
                  ['mute', channel.muteMember],
                ] as const
              )
                .filter(([, fn]) => fn !== undefined)
                .map(([op]) => op),
              invites: true,
              inbound: channel.webhook !== undefined,
            },
      payment:
        payment === null
          ? null
          : {
              currencies: payment.currencies === undefined ? null : [...payment.currencies],
              refunds: payment.refund !== undefined,
              holds: payment.capture !== undefined && payment.void !== undefined,
              inbound: payment.webhook !== undefined,
            },
      actions: Object.keys(actions),
      triggers: triggers.map((t) => t.event),
    },
    rateLimits: plugin.rateLimits.map((r) => ({ ...r })),
    events: Object.fromEntries(
      triggers.map((t) => [
        t.event,
        { description: t.description, dataSchema: t.data === null ? null : toJson(t.data) },
      ]),
    ),
  };
}
