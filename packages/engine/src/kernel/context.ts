import type { CompiledPlaybook } from '../compile/types.js';
import type { Mechanic } from '../mechanics/types.js';

export interface KernelOptions {
  /** The link a member pays through: a Kith URL that opens the provider's checkout for the order. */
  checkoutUrl: (tenant: string, order: string) => string;
  /** Record `Outcome.trace` (journey entries, steps, exits) for observers. */
  trace: boolean;
  /** Steps one input may run before the engine stops (a loop guard). */
  maxStepsPerInput: number;
  /** Unmatched events kept per member for waits that are about to begin. */
  inboxSize: number;
}

export const DEFAULT_KERNEL_OPTIONS: KernelOptions = {
  checkoutUrl: (tenant, order) => `https://kith.invalid/pay/${encodeURIComponent(tenant)}/${encodeURIComponent(order)}`,
  trace: false,
  maxStepsPerInput: 10_000,
  inboxSize: 8,
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
