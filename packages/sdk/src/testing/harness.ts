import { MemoryScheduler, MemoryStore, type RetryPolicy, Runtime, VirtualClock } from '@kith/engine';
import { loadPlaybook } from '@kith/engine/testing';
import type { Fetch } from '../context/types.js';
import type { DeliveryResult, Effect, Effects } from '../engine.js';
import { createEffectDeliverer, type DeliveryOutcome, toDeliveryResult } from '../host/deliverer.js';
import type { AddressLookup } from '../host/dispatch.js';
import { instantiatePlugin, type PluginInstance } from '../host/instance.js';
import { handleWebhook, type WebhookOptions, type WebhookOutcome } from '../host/webhook.js';
import type { Plugin } from '../plugin/types.js';
import { memoryRateLimiterStore, type RateLimiterStore } from '../rate-limit/store.js';
import { parseDuration } from '../rate-limit/types.js';
import { resolvePluginUse } from '../version/resolve-use.js';
import type { WebhookRequest } from '../webhook/types.js';

type ResolvedPlaybook = Parameters<Runtime['publish']>[1];

export interface PlaybookRunOptions {
  /** Playbook YAML (validated by @kith/playbook), or a resolved playbook. */
  playbook: string | ResolvedPlaybook;
  /** Installed plugins; each `use:` is resolved against them by name and semver range. */
  plugins: readonly Plugin[];
  /** Values for `${secrets.X}` in `with:` blocks. */
  secrets?: Readonly<Record<string, string>>;
  /** Per plugin instance id, the fetch its plugin uses (a fake provider's). */
  fetch?: Readonly<Record<string, Fetch>>;
  /** Virtual start time (default 2026-01-05T00:00:00Z). */
  start?: number | string;
  tenant?: string;
  retry?: Partial<RetryPolicy>;
  limiterStore?: RateLimiterStore;
  addressOf?: AddressLookup;
  /** The Kith member for an address on a channel; default: the address is the member id. */
  memberOf?: WebhookOptions['memberOf'];
}

/** One delivery attempt, at virtual time `at`. */
export interface DeliveryRecord {
  key: string;
  type: string;
  target: string;
  member: string | null;
  at: number;
  attempt: number;
  outcome: DeliveryOutcome;
}

export interface PlaybookRun {
  runtime: Runtime;
  clock: VirtualClock;
  tenant: string;
  /** The plugin instances by id, each with the exact plugin `version` it resolved to. */
  instances: ReadonlyMap<string, PluginInstance>;
  /** Every delivery attempt in order, deferrals and failures included. */
  attempts: DeliveryRecord[];
  /** Attempts that reached the provider successfully. */
  delivered(target?: string): DeliveryRecord[];
  /** Ingests an event now (or at `at`, running everything due before it) and delivers what is due. */
  event(
    type: string,
    member: string | null,
    data?: Record<string, unknown>,
    opts?: { id?: string; at?: number | string },
  ): Promise<void>;
  /** Runs an inbound webhook through the instance's plugin and ingests the events it yields. */
  webhook(instance: string, request: WebhookRequest): Promise<WebhookOutcome>;
  /** Lets virtual time pass (`'1m'`, `'1d'` or ms), delivering everything that falls due. */
  wait(duration: string | number): Promise<void>;
  until(at: number | string): Promise<void>;
}

const toTime = (t: number | string) => (typeof t === 'number' ? t : new Date(t).getTime());

function bindInstances(
  playbook: ResolvedPlaybook,
  options: PlaybookRunOptions,
  clock: VirtualClock,
): Map<string, PluginInstance> {
  const specs = {
    ...(playbook.channels ?? {}),
    ...(playbook.payments ?? {}),
  } as Record<
    string,
    { use: string; with?: Record<string, unknown>; rateLimit?: { max: number | string; per: string } }
  >;
  const out = new Map<string, PluginInstance>();
  for (const [id, spec] of Object.entries(specs)) {
    const used = resolvePluginUse(spec.use, options.plugins);
    if (!used.ok) throw new Error(`${id}: ${used.error.message}`);
    const bound = instantiatePlugin({
      id,
      plugin: used.plugin,
      with: spec.with,
      secrets: options.secrets ?? {},
      rateLimit:
        spec.rateLimit === undefined
          ? undefined
          : { max: Number(spec.rateLimit.max), per: spec.rateLimit.per },
      fetch: options.fetch?.[id],
      clock,
    });
    if (!bound.ok) throw new Error(`${id}: ${bound.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
    out.set(id, bound.instance);
  }
  return out;
}

/**
 * Runs plugins under a playbook on the engine's real Runtime (in-memory store and scheduler, a
 * virtual clock): `use:` resolved by semver, `with:` resolved with secrets, effects delivered
 * through the plugins with rate limits per connection, webhooks verified and ingested. A month
 * of a community runs in milliseconds, and what the provider saw can be asserted against limits.
 *
 * @example
 * const run = await runPluginUnderPlaybook({ playbook: yaml, plugins: [sandbox], fetch: { group: world.fetch } });
 * await run.event('member.joined', 'ann');
 * await run.wait('1d');
 * run.delivered('group').length;
 */
export async function runPluginUnderPlaybook(options: PlaybookRunOptions): Promise<PlaybookRun> {
  const clock = new VirtualClock(toTime(options.start ?? '2026-01-05T00:00:00Z'));
  const tenant = options.tenant ?? 'test';
  const loaded =
    typeof options.playbook === 'string'
      ? loadPlaybook(options.playbook)
      : { playbook: options.playbook, params: {} };
  const instances = bindInstances(loaded.playbook, options, clock);
  const deliverer = createEffectDeliverer({
    instances: instances.values(),
    clock,
    limiterStore: options.limiterStore ?? memoryRateLimiterStore(),
    addressOf: options.addressOf,
    // on a virtual clock every send leaves at its instant: the provider's exact windows
    rateLimitMargin: 0,
  });
  const attempts: DeliveryRecord[] = [];
  const effects: Effects = {
    async deliver(effect: Effect, attempt: number): Promise<DeliveryResult> {
      const outcome = await deliverer.attempt(effect, attempt);
      attempts.push({
        key: effect.key,
        type: effect.type,
        target: effect.target,
        member: effect.member,
        at: clock.now(),
        attempt,
        outcome,
      });
      return toDeliveryResult(outcome);
    },
  };
  const runtime = new Runtime({
    store: new MemoryStore(),
    scheduler: new MemoryScheduler(),
    clock,
    effects,
    // A rate-limit wait comes back as a retryable result: leave room for it beside real failures.
    retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 8, ...options.retry },
  });
  // Each run records the exact plugin versions it ran with, as a host does when publishing.
  const plugins = Object.fromEntries(
    [...instances.values()].map((i) => [i.id, `${i.plugin.name}@${i.version}`]),
  );
  await runtime.publish(tenant, loaded.playbook, { version: '1', params: loaded.params, plugins });
  let seq = 0;
  const memberOf = options.memberOf ?? ((address: string) => address);

  return {
    runtime,
    clock,
    tenant,
    instances,
    attempts,
    delivered: (target) =>
      attempts.filter(
        (a) => a.outcome.status === 'delivered' && (target === undefined || a.target === target),
      ),
    async event(type, member, data = {}, opts = {}) {
      if (opts.at !== undefined) await runtime.runUntil(toTime(opts.at), clock);
      await runtime.ingest({ tenant, id: opts.id ?? `harness-${++seq}`, type, member, data });
      await runtime.tick();
    },
    async webhook(instance, request) {
      const bound = instances.get(instance);
      if (bound === undefined) throw new Error(`no plugin instance '${instance}'`);
      const outcome = await handleWebhook(bound, request, { tenant, clock, memberOf });
      if (outcome.status === 'accepted') {
        for (const e of outcome.events) await runtime.ingest(e);
        await runtime.tick();
      }
      return outcome;
    },
    async wait(duration) {
      const ms = parseDuration(duration);
      if (ms === null) throw new RangeError(`not a duration: ${duration}`);
      await runtime.runUntil(clock.now() + ms, clock);
    },
    async until(at) {
      await runtime.runUntil(toTime(at), clock);
    },
  };
}
