import { createHash } from 'node:crypto';
import { parseDuration } from '@kith/sdk';
import type { SandboxConfig } from './config.js';

/** What the sandbox service will do with a checkout: decided once, by the plugin's rules. */
export interface Plan {
  outcome: 'pay' | 'fail' | 'ask';
  /** When the automatic outcome happens (epoch ms). */
  at: number;
  /** When an automatic full refund follows the payment, or null. */
  refundAt: number | null;
}

/**
 * A number in [0, 1) from the order id alone, one per purpose: the same order gets the same fate
 * in every run, process and simulation, and the shares over many orders approach the rates.
 */
export function unit(order: string, purpose: string): number {
  return createHash('sha256').update(`${purpose}:${order}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function planFor(config: SandboxConfig, order: string, now: number): Plan {
  const payAfter = parseDuration(config.payAfter ?? '0s') ?? 0;
  const refundAfter = parseDuration(config.refundAfter ?? '1d') ?? 0;
  const configured = config.outcome ?? 'pay';
  const outcome = configured === 'pay' && unit(order, 'fail') < (config.failRate ?? 0) ? 'fail' : configured;
  const at = now + payAfter;
  const refunds = outcome !== 'fail' && unit(order, 'refund') < (config.refundRate ?? 0);
  return { outcome, at, refundAt: refunds ? at + refundAfter : null };
}
