import type { Static, TObject } from '@sinclair/typebox';
import type { ChannelCapability } from '../channel/types.js';
import type { PaymentCapability } from '../payment/types.js';
import type { RateLimit, RateLimitDefinition } from '../rate-limit/types.js';
import type { PluginAction } from './action.js';

/** A config as the host holds it when it does not know the plugin's schema type. */
export type PluginConfig = Readonly<Record<string, unknown>>;

/** An event the plugin emits into the engine (its triggers), for the catalogue and the editor. */
export interface TriggerDefinition {
  /** Dotted event name: `member.joined`, `payment.succeeded`. */
  event: string;
  description: string;
  /** The shape of the event's `data`. */
  data?: TObject;
}

export interface Trigger {
  readonly event: string;
  readonly description: string;
  readonly data: TObject | null;
}

export interface PluginCapabilities<C> {
  channel?: ChannelCapability<C>;
  payment?: PaymentCapability<C>;
  /** Actions playbooks call with `call:`; one `defineAction` per file. */
  actions?: readonly PluginAction<C>[];
  /** Events the plugin's webhooks produce. */
  triggers?: readonly TriggerDefinition[];
}

export interface PluginDefinition<S extends TObject> {
  /** Catalogue name or npm package name: `telegram`, `@acme/kith-channel-line`. */
  name: string;
  /** Exact semver of this build; playbooks pin ranges (`telegram@^1`). */
  version: string;
  displayName: string;
  description: string;
  /** The PluginContext version the plugin was written against: `CONTEXT_VERSION` when you write it. */
  contextVersion: number;
  /** Config schema (TypeBox): checks `with:` blocks, renders the editor's form, types `ctx.config`. */
  config: S;
  capabilities: PluginCapabilities<Static<S>>;
  /** The provider's published limits; the runtime never sends faster. */
  rateLimits?: readonly RateLimitDefinition[];
  /**
   * What identifies the provider connection whose limits are shared (the bot token, the robot
   * key, the target URL). Default: a hash of the secret fields and the base URL, so two playbooks
   * on the same bot share one budget.
   */
  connectionKey?: (config: Static<S>) => string;
}

/** A validated, frozen plugin, as `definePlugin` returns it. */
export interface Plugin<C = PluginConfig> {
  readonly name: string;
  readonly version: string;
  readonly displayName: string;
  readonly description: string;
  readonly contextVersion: number;
  readonly config: TObject;
  readonly capabilities: {
    readonly channel: ChannelCapability<C> | null;
    readonly payment: PaymentCapability<C> | null;
    readonly actions: Readonly<Record<string, PluginAction<C>>>;
    readonly triggers: readonly Trigger[];
  };
  readonly rateLimits: readonly RateLimit[];
  /** Key of the provider connection for rate limiting (never contains a secret in clear). */
  connectionKey(config: C): string;
}
