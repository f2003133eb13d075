import { createHash } from 'node:crypto';
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import semver from 'semver';
import type { ChannelCapability } from '../channel/types.js';
import { CONTEXT_VERSION } from '../context/types.js';
import type { PaymentCapability } from '../payment/types.js';
import {
  parseDuration,
  RATE_LIMIT_SCOPES,
  type RateLimit,
  type RateLimitDefinition,
} from '../rate-limit/types.js';
import { precompile } from '../schema/check.js';
import { isSecretSchema, secretPaths } from '../schema/secret.js';
import { actionProblems, type PluginAction } from './action.js';
import { DefinitionError } from './definition-error.js';
import { isPluginName, PLUGIN_NAME_PATTERN } from './name.js';
import type { Plugin, PluginDefinition, Trigger, TriggerDefinition } from './types.js';

const EVENT_NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
const CHANNEL_TARGETS = ['member', 'group'];
const CHANNEL_FORMATS = ['buttons', 'html', 'image', 'subject'];
const GROUP_OPS = ['createGroup', 'addMember', 'removeMember', 'muteMember'] as const;

type Problems = string[];
const isFn = (v: unknown) => typeof v === 'function';
const blank = (v: unknown) => typeof v !== 'string' || v.trim() === '';

function checkIdentity(
  def: Pick<PluginDefinition<TObject>, 'name' | 'version' | 'displayName' | 'description' | 'contextVersion'>,
  p: Problems,
): void {
  if (!isPluginName(def.name)) {
    p.push(
      `name '${String(def.name)}' must be lower-case letters, digits, '.', '_' or '-' (npm style, optionally @scope/): ${PLUGIN_NAME_PATTERN}`,
    );
  }
  if (typeof def.version !== 'string' || semver.valid(def.version) === null) {
    p.push(`version '${String(def.version)}' is not an exact semver version (e.g. '1.0.0')`);
  }
  if (blank(def.displayName)) p.push('displayName is required (shown in the editor)');
  if (blank(def.description)) p.push('description is required (shown in the catalogue)');
  if (!Number.isInteger(def.contextVersion) || def.contextVersion < 1) {
    p.push(`contextVersion must be a positive integer (this SDK provides ${CONTEXT_VERSION})`);
  } else if (def.contextVersion > CONTEXT_VERSION) {
    p.push(
      `contextVersion ${def.contextVersion} is newer than this SDK's (${CONTEXT_VERSION}): upgrade @kith/sdk`,
    );
  }
}

function checkConfig(schema: TSchema | undefined, p: Problems): void {
  const s = schema as { type?: unknown; properties?: Record<string, TSchema> } | undefined;
  if (s === undefined || s === null || s.type !== 'object' || s.properties === undefined) {
    p.push('config must be an object schema: Type.Object({...}) (use Type.Object({}) for none)');
    return;
  }
  for (const [key, field] of Object.entries(s.properties)) {
    if (blank((field as { description?: unknown }).description)) {
      p.push(`config.${key} needs a description (it labels the editor's form field)`);
    }
    if (isSecretSchema(field) && (field as { type?: unknown }).type !== 'string') {
      p.push(`config.${key} is marked secret but is not a string`);
    }
    if (isSecretSchema(field) && (field as { default?: unknown }).default !== undefined) {
      p.push(`config.${key} is a secret and must not have a default`);
    }
  }
  try {
    precompile(schema!);
  } catch (e) {
    p.push(`config schema does not compile: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function checkChannel(c: ChannelCapability<unknown>, p: Problems): void {
  if (!isFn(c.send)) p.push('channel.send(ctx, message) is required');
  if (!isFn(c.createInvite)) p.push('channel.createInvite(ctx, request) is required');
  if (!Array.isArray(c.targets) || c.targets.length === 0) {
    p.push("channel.targets must list at least one of 'member', 'group'");
  } else {
    for (const t of c.targets)
      if (!CHANNEL_TARGETS.includes(t)) p.push(`channel.targets: unknown target '${t}'`);
  }
  for (const f of c.formats ?? [])
    if (!CHANNEL_FORMATS.includes(f)) p.push(`channel.formats: unknown format '${f}'`);
  for (const op of GROUP_OPS)
    if (c[op] !== undefined && !isFn(c[op])) p.push(`channel.${op} must be a function`);
  if (c.webhook !== undefined) checkWebhook('channel', c.webhook, p);
}

function checkWebhook(where: string, w: { verify?: unknown; parse?: unknown }, p: Problems): void {
  if (!isFn(w.verify))
    p.push(`${where}.webhook.verify(ctx, request) is required: never parse an unverified webhook`);
  if (!isFn(w.parse)) p.push(`${where}.webhook.parse(ctx, request) is required`);
}

function checkPayment(c: PaymentCapability<unknown>, p: Problems): void {
  if (!isFn(c.checkout)) p.push('payment.checkout(ctx, request) is required');
  for (const op of ['query', 'refund', 'capture', 'void'] as const) {
    if (c[op] !== undefined && !isFn(c[op])) p.push(`payment.${op} must be a function`);
  }
  if (c.webhook !== undefined) checkWebhook('payment', c.webhook, p);
}

function normaliseActions(
  actions: readonly PluginAction<unknown>[],
  config: TSchema,
  p: Problems,
): Record<string, PluginAction<unknown>> {
  const out: Record<string, PluginAction<unknown>> = {};
  for (const a of actions) {
    p.push(...actionProblems(a));
    if (Object.hasOwn(out, a.name)) p.push(`duplicate action name '${a.name}'`);
    else out[a.name] = a;
    if (a.config !== undefined && a.config !== config) {
      p.push(`action '${a.name}' was defined with a different config schema than the plugin's`);
    }
  }
  return out;
}

function normaliseTriggers(triggers: readonly TriggerDefinition[], p: Problems): Trigger[] {
  const seen = new Set<string>();
  return triggers.map((t) => {
    if (!EVENT_NAME.test(t.event))
      p.push(`trigger event '${t.event}' must be a dotted name like 'member.joined'`);
    if (seen.has(t.event)) p.push(`duplicate trigger event '${t.event}'`);
    seen.add(t.event);
    if (blank(t.description)) p.push(`trigger '${t.event}' needs a description`);
    return { event: t.event, description: t.description, data: t.data ?? null };
  });
}

function normaliseRateLimits(defs: readonly RateLimitDefinition[], p: Problems): RateLimit[] {
  const names = new Set<string>();
  return defs.map((d, i) => {
    const name = d.name ?? d.scope;
    if (names.has(name)) p.push(`duplicate rate limit name '${name}' (name limits that share a scope)`);
    names.add(name);
    if (!Number.isInteger(d.max) || d.max <= 0)
      p.push(`rateLimits[${i}].max must be a positive integer, got ${d.max}`);
    const perMs = parseDuration(d.per);
    if (perMs === null || perMs <= 0)
      p.push(`rateLimits[${i}].per must be a positive duration ('1s', '1m') or ms, got '${d.per}'`);
    if (!RATE_LIMIT_SCOPES.includes(d.scope)) {
      p.push(`rateLimits[${i}].scope must be one of ${RATE_LIMIT_SCOPES.join(', ')}, got '${d.scope}'`);
    }
    const counts = d.counts ?? 'messages';
    if (counts !== 'messages' && counts !== 'calls')
      p.push(`rateLimits[${i}].counts must be 'messages' or 'calls', got '${counts}'`);
    return {
      name,
      max: d.max,
      perMs: perMs ?? 0,
      scope: d.scope,
      counts,
      description: d.description ?? null,
    };
  });
}

function defaultConnectionKey(name: string, schema: TSchema) {
  const secrets = secretPaths(schema);
  return (config: Readonly<Record<string, unknown>>): string => {
    const parts = secrets.map((path) =>
      path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], config),
    );
    parts.push(config.baseUrl);
    // Hashed so that rate-limit keys (in Redis, in logs) never carry a credential.
    const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
    return `${name}:${digest}`;
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Defines a plugin: checks everything that can be checked before it runs and returns a frozen
 * Plugin, or throws a DefinitionError listing every problem (bad name or version, a channel
 * without `send`, duplicate action names, a rate limit ≤ 0, an undocumented config field, …).
 * @example
 * export default definePlugin({
 *   name: 'telegram', version: '1.0.0', displayName: 'Telegram', description: 'Telegram bots.',
 *   contextVersion: CONTEXT_VERSION,
 *   config: Config,
 *   capabilities: { channel: { targets: ['member', 'group'], send, createInvite, webhook } },
 *   rateLimits: [{ name: 'per-group', max: 20, per: '1m', scope: 'group' }],
 * });
 */
export function definePlugin<S extends TObject>(def: PluginDefinition<S>): Plugin<Static<S>> {
  const p: Problems = [];
  checkIdentity(def, p);
  checkConfig(def.config, p);
  const caps = def.capabilities ?? {};
  const channel = caps.channel ?? null;
  const payment = caps.payment ?? null;
  if (channel !== null) checkChannel(channel as ChannelCapability<unknown>, p);
  if (payment !== null) checkPayment(payment as PaymentCapability<unknown>, p);
  const actions = normaliseActions((caps.actions ?? []) as readonly PluginAction<unknown>[], def.config, p);
  const triggers = normaliseTriggers(caps.triggers ?? [], p);
  if (channel === null && payment === null && Object.keys(actions).length === 0 && triggers.length === 0) {
    p.push('capabilities must declare at least one of channel, payment, actions, triggers');
  }
  const rateLimits = normaliseRateLimits(def.rateLimits ?? [], p);
  if (def.connectionKey !== undefined && !isFn(def.connectionKey))
    p.push('connectionKey must be a function of the config');
  if (p.length > 0)
    throw new DefinitionError(`definePlugin(${isPluginName(def.name) ? def.name : String(def.name)})`, p);

  deepFreeze(def.config);
  const connectionKey = def.connectionKey ?? defaultConnectionKey(def.name, def.config);
  const plugin: Plugin<Static<S>> = {
    name: def.name,
    version: def.version,
    displayName: def.displayName,
    description: def.description,
    contextVersion: def.contextVersion,
    config: def.config,
    capabilities: {
      channel: channel === null ? null : Object.freeze({ ...channel }),
      payment: payment === null ? null : Object.freeze({ ...payment }),
      actions: Object.freeze(actions) as Plugin<Static<S>>['capabilities']['actions'],
      triggers: deepFreeze(triggers),
    },
    rateLimits: deepFreeze(rateLimits),
    connectionKey: (config) => connectionKey(config as Static<S>),
  };
  Object.freeze(plugin.capabilities);
  return Object.freeze(plugin);
}
