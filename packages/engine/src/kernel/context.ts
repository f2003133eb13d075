import type { CompiledPlaybook } from '../compile/types.js';
import type { Mechanic } from '../mechanics/types.js';

export interface KernelOptions {
  /** The link a member pays through: a Kith URL that opens the provider's checkout for the order. */
  checkoutUrl: (tenant: string, order: string) => string;
  /** Record `Outcome.trace` (journey entries, steps, exits) for observers. */
  trace: boolean;
  /** Steps one input may run before the engine stops (a loop guard). */
  maxStepsPerInput: number;
  /**
   * Unmatched events of a waited-for type kept per member, for a wait that another worker is
   * saving at that moment (0 turns this off: a single-threaded simulation has no such race).
   */
  inboxSize: number;
  /** How long such an event is kept: longer than any commit takes. */
  inboxTtlMs: number;
}

export const DEFAULT_KERNEL_OPTIONS: KernelOptions = {
  checkoutUrl: (tenant, order) =>
    `https://kith.invalid/pay/${encodeURIComponent(tenant)}/${encodeURIComponent(order)}`,
  trace: false,
  maxStepsPerInput: 10_000,
  inboxSize: 8,
  inboxTtlMs: 10 * 60_000,
};

/** What the pure core needs to know about a tenant: its playbook versions and mechanics. */
export interface Kernel {
  tenant: string;
  /** The version new runs start on. */
  current: CompiledPlaybook;
  /** Any published version (runs stay on the version they started on). */
  version(id: string): CompiledPlaybook | undefined;
  mechanics: readonly Mechanic[];
  options: KernelOptions;
}
