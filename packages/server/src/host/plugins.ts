import { createHash } from 'node:crypto';
import type { Effect, PublishedVersion, Store } from '@kith/engine';
import {
  createEffectDeliverer,
  type DeliveryOutcome,
  type EffectDeliverer,
  handleWebhook,
  instantiatePlugin,
  memoryRateLimiterStore,
  type Plugin,
  type PluginClock,
  type PluginInstance,
  type RateLimiterStore,
  resolvePluginUse,
  type WebhookOutcome,
  type WebhookRequest,
} from '@kith/sdk';
import type { ControlStore } from '../control/types.js';
import type { Redactor } from '../obs/logger.js';
import { memberForAddress } from './member-directory.js';
import type { Sandboxes } from './sandboxes.js';

interface InstanceSpec {
  use: string;
  with?: Record<string, unknown>;
  rateLimit?: { max: number | string; per: number | string };
}

/** The channel and payment instances a resolved playbook declares, by id. */
export function instanceSpecs(playbook: unknown): Record<string, InstanceSpec> {
  const p = (playbook ?? {}) as {
    channels?: Record<string, InstanceSpec>;
    payments?: Record<string, InstanceSpec>;
  };
  return { ...(p.channels ?? {}), ...(p.payments ?? {}) };
}

/** `use:` ranges resolved to exact installed versions (`{ chat: 'sandbox@1.0.0' }`), or why not. */
export function resolveVersions(
  playbook: unknown,
  plugins: readonly Plugin[],
):
  | { ok: true; versions: Record<string, string> }
  | { ok: false; errors: { path: string; message: string }[] } {
  const versions: Record<string, string> = {};
  const errors: { path: string; message: string }[] = [];
  const p = (playbook ?? {}) as Record<string, Record<string, InstanceSpec> | undefined>;
  for (const group of ['channels', 'payments'] as const) {
    for (const [id, spec] of Object.entries(p[group] ?? {})) {
      const used = resolvePluginUse(spec.use, plugins);
      if (used.ok) versions[id] = `${used.plugin.name}@${used.version}`;
      else errors.push({ path: `/${group}/${id}/use`, message: used.error.message });
    }
  }
  return errors.length === 0 ? { ok: true, versions } : { ok: false, errors };
}

interface Bound {
  fingerprint: string;
  instances: Map<string, PluginInstance>;
  /** Instances that could not be bound (a secret not set, a plugin not installed), with why. */
  broken: Map<string, string>;
  deliverer: EffectDeliverer;
  checkedAt: number;
}

export interface PluginHostOptions {
  plugins: readonly Plugin[];
  store: Store;
  control: ControlStore;
  sandboxes: Sandboxes;
  clock: PluginClock;
  redactor: Redactor;
  /** Shared rate-limit buckets (Redis in distributed mode); in memory by default. */
  limiterStore?: RateLimiterStore;
  /** How long bound instances are trusted before secrets and versions are read again (ms). */
  refreshMs?: number;
}

/**
 * Plugins bound to tenants: for each tenant, the instances its published versions declare (newest
 * version wins an id), configured with the tenant's secrets read from the control store — at
 * delivery time, never stored in the playbook. Effects and webhooks go through these.
 */
export class PluginHost {
  private readonly bound = new Map<string, Promise<Bound>>();
  private readonly limiterStore: RateLimiterStore;
  private readonly refreshMs: number;

  constructor(private readonly o: PluginHostOptions) {
    this.limiterStore = o.limiterStore ?? memoryRateLimiterStore();
    this.refreshMs = o.refreshMs ?? 2000;
  }

  get plugins(): readonly Plugin[] {
    return this.o.plugins;
  }

  /** A secret value the logs must never show (written through the API or read for delivery). */
  remember(value: string): void {
    this.o.redactor.remember(value);
  }

  /** Forget a tenant's bindings (a publish, a secret written): the next use binds again. */
  invalidate(tenant: string): void {
    const b = this.bound.get(tenant);
    if (b)
      void b.then((x) => {
        x.checkedAt = Number.NEGATIVE_INFINITY;
      });
  }

  async instances(
    tenant: string,
  ): Promise<{ instances: Map<string, PluginInstance>; broken: Map<string, string> }> {
    const b = await this.bind(tenant);
    return { instances: b.instances, broken: b.broken };
  }

  /** The engine's Effects port: delivers through the effect's tenant's instances. */
  async attempt(effect: Effect, attempt: number): Promise<DeliveryOutcome> {
    const b = await this.bind(effect.tenant);
    const why = b.broken.get(effect.target);
    if (why !== undefined) {
      return {
        status: 'failed',
        error: { kind: 'permanent', message: why, retryAfterMs: null, status: null, code: null },
      };
    }
    return b.deliverer.attempt(effect, attempt);
  }

  /** Runs an inbound webhook through the instance's plugin; undefined when the tenant has no such instance. */
  async webhook(
    tenant: string,
    instance: string,
    request: WebhookRequest,
  ): Promise<WebhookOutcome | undefined> {
    const b = await this.bind(tenant);
    const bound = b.instances.get(instance);
    if (!bound) return undefined;
    // a provider that carries the Kith member back (checkout metadata, invite payloads) wins;
    // otherwise the address is looked up among the members' identities on this instance
    return handleWebhook(bound, request, {
      tenant,
      clock: this.o.clock,
      memberOf: (address, channel) => memberForAddress(this.o.store, tenant, channel, address),
    });
  }

  private bind(tenant: string): Promise<Bound> {
    const now = this.o.clock.now();
    const current = this.bound.get(tenant);
    const next = (async () => {
      const prev = current ? await current.catch(() => undefined) : undefined;
      if (prev && now - prev.checkedAt < this.refreshMs) return prev;
      const [published, secrets] = await Promise.all([
        this.o.store.listPublished(tenant),
        this.o.control.readSecrets(tenant),
      ]);
      for (const v of Object.values(secrets)) this.o.redactor.remember(v);
      const fingerprint = fingerprintOf(published, secrets);
      if (prev && prev.fingerprint === fingerprint) {
        prev.checkedAt = now;
        return prev;
      }
      return this.build(tenant, published, secrets, fingerprint, now);
    })();
    this.bound.set(tenant, next);
    next.catch(() => {
      if (this.bound.get(tenant) === next) this.bound.delete(tenant);
    });
    return next;
  }

  private build(
    tenant: string,
    published: PublishedVersion[],
    secrets: Record<string, string>,
    fingerprint: string,
    now: number,
  ): Bound {
    const specs: Record<string, InstanceSpec> = {};
    const ordered = [...published].sort((a, b) => a.publishedAt - b.publishedAt);
    for (const v of ordered) Object.assign(specs, instanceSpecs(v.playbook));
    const instances = new Map<string, PluginInstance>();
    const broken = new Map<string, string>();
    for (const [id, spec] of Object.entries(specs)) {
      const r = this.bindOne(tenant, id, spec, secrets);
      if (r.ok) instances.set(id, r.instance);
      else broken.set(id, `instance '${id}' cannot be configured: ${r.error}`);
    }
    const deliverer = createEffectDeliverer({
      instances: instances.values(),
      clock: this.o.clock,
      limiterStore: this.limiterStore,
    });
    return { fingerprint, instances, broken, deliverer, checkedAt: now };
  }

  private bindOne(
    tenant: string,
    id: string,
    spec: InstanceSpec,
    secrets: Record<string, string>,
  ): { ok: true; instance: PluginInstance } | { ok: false; error: string } {
    const used = resolvePluginUse(spec.use, this.o.plugins);
    if (!used.ok) return { ok: false, error: used.error.message };
    const rateLimit =
      spec.rateLimit === undefined ? undefined : { max: Number(spec.rateLimit.max), per: spec.rateLimit.per };
    const base = { id, plugin: used.plugin, with: spec.with, secrets, rateLimit, clock: this.o.clock };
    const first = instantiatePlugin(base);
    if (!first.ok) return { ok: false, error: first.issues.map((i) => `${i.path} ${i.message}`).join('; ') };
    // the sandbox plugins talk to in-process providers: give them their fetch
    const config = first.instance.config as Record<string, unknown>;
    const name = used.plugin.name;
    const fetch =
      name === 'sandbox'
        ? this.o.sandboxes.chat(tenant, id, config).fetch
        : name === 'payment-sandbox'
          ? this.o.sandboxes.payment(tenant, id, config).fetch
          : undefined;
    if (fetch === undefined) return { ok: true, instance: first.instance };
    const second = instantiatePlugin({ ...base, fetch });
    return second.ok
      ? { ok: true, instance: second.instance }
      : { ok: false, error: second.issues.map((i) => `${i.path} ${i.message}`).join('; ') };
  }
}

function fingerprintOf(published: PublishedVersion[], secrets: Record<string, string>): string {
  const h = createHash('sha256');
  for (const v of published) h.update(`${v.version}\u0000${v.publishedAt}\u0000`);
  for (const k of Object.keys(secrets).sort()) h.update(`${k}\u0000${secrets[k]}\u0000`);
  return h.digest('hex');
}
