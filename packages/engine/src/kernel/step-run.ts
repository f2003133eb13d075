import type { CompiledExpression } from '@kith/playbook/browser';
import type { CompiledPlaybook, CompiledStep, Render } from '../compile/types.js';
import type { Effect } from '../model/effect.js';
import type { EventView, KithEvent } from '../model/event.js';
import type { JourneyInstance } from '../model/instance.js';
import type { MemberProfile, MemberState } from '../model/member.js';
import type { MemberChange } from './changes.js';

/** Why a parked step runs again. */
export type Wake =
  | { kind: 'timer' }
  | { kind: 'event'; event: EventView }
  | { kind: 'reply'; output: Readonly<Record<string, unknown>> };

/**
 * The evaluation scope: one plain object per input, updated in place as the run moves between
 * instances and steps (no per-step allocation). Keys match the validator's roots.
 */
export interface RunScope {
  [key: string]: unknown;
  member: MemberProfile;
  event: EventView | null;
  params: Readonly<Record<string, unknown>>;
  now: number;
  timezone: string;
  referrer: Readonly<{ id: string | null; name: string | null }>;
  playbook: Readonly<{ id: string; name: string; version: string }>;
  offer: unknown;
  price: unknown;
  checkout: unknown;
  peer: unknown;
  n: unknown;
  group: unknown;
}

/**
 * What a step executor works with — the built-in ones and a mechanic's replacement alike: the
 * member, the run it is in, the scope, and the ways to act (all collected into the outcome).
 */
export interface StepRun {
  readonly tenant: string;
  readonly now: number;
  readonly state: MemberState;
  readonly profile: MemberProfile;
  readonly scope: RunScope;
  readonly instance: JourneyInstance | null;
  readonly step: CompiledStep | null;
  /** The version the run is pinned to. */
  readonly playbook: CompiledPlaybook;
  /** Why a parked step runs again (null on its first run). */
  readonly wake: Wake | null;
  /** Recorded in the step log when the step finishes. */
  output: unknown;
  /** The member's time zone, else the playbook's. */
  zone(): string;
  evaluate(expr: CompiledExpression): unknown;
  render(template: Render | null): string | null;
  change(c: MemberChange, owner?: string | null): void;
  effect(type: string, target: string, data: Readonly<Record<string, unknown>>, notBefore?: number): Effect;
  emit(type: string, data: Readonly<Record<string, unknown>>, member?: string | null): KithEvent;
  request(service: string, input: Readonly<Record<string, unknown>>, token: string | null): void;
}
