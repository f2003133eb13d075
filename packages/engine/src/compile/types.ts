import type { CompiledExpression, ResolvedPlaybook } from '@kith/playbook/browser';

/** A message template, parsed once: a constant when it has no Liquid markup. */
export type Render = (scope: Record<string, unknown>) => string;

/**
 * What a step executor tells the advance loop: jump to a position (>= 0), go on to the next
 * step, park the instance (a wait or a service call), or stop (the journey ended).
 */
export type Control = number;
export const CONTINUE: Control = -1;
export const PARK: Control = -2;
export const STOP: Control = -3;

interface StepBase {
  id: string;
  /** Index in the journey's flattened step list. */
  pos: number;
  /** Position to continue at when this step is done: the next sibling or the enclosing block's. */
  next: number;
}

export interface SendSpec {
  channel: string;
  to: 'member' | 'group' | 'referrer';
  text: Render | null;
  subject: Render | null;
  html: Render | null;
  image: string | null;
  buttons: { text: Render; value: string | null; url: string | null }[];
  critical: boolean;
}

export type WaitMode =
  | { mode: 'for'; ms: number }
  | { mode: 'time'; minute: number; zone: string | null }
  | { mode: 'date'; at: number }
  | { mode: 'event'; event: string; filter: CompiledExpression | null; timeoutMs: number; onTimeout: number };

export type CompiledStep = StepBase &
  (
    | ({ kind: 'send' } & SendSpec)
    | ({ kind: 'wait' } & WaitMode)
    | { kind: 'if'; cond: CompiledExpression; then: number; else: number }
    | { kind: 'split'; arms: { variant: string; weight: number; start: number }[]; total: number }
    | { kind: 'set'; entries: [string, CompiledExpression][] }
    | { kind: 'tag'; add: string[]; remove: string[] }
    | { kind: 'score'; points: number; reason: string | null }
    | { kind: 'tier'; tier: string }
    | { kind: 'offer'; offer: string; channel: string; text: Render | null; payment: string }
    | { kind: 'charge'; offer: string; payment: string }
    | { kind: 'group'; pool: string }
    | {
        kind: 'introduce';
        by: string[];
        count: number;
        among: string | null;
        channel: string;
        text: Render | null;
      }
    | { kind: 'call'; plugin: string; action: string; input: Record<string, unknown> }
    | { kind: 'emit'; event: string; data: Record<string, unknown> }
    | { kind: 'goal'; goal: string }
    | { kind: 'exit'; reason: string }
    | { kind: 'noop' }
  );

export type CompiledStepOf<K extends CompiledStep['kind']> = Extract<CompiledStep, { kind: K }>;

export type CompiledTrigger =
  | { kind: 'event'; event: string; filter: CompiledExpression | null }
  | { kind: 'schedule'; cron: string; zone: string; segment: CompiledExpression | null }
  | { kind: 'stage'; stage: string }
  | { kind: 'segment'; segment: CompiledExpression }
  | { kind: 'threshold'; value: CompiledExpression; atLeast: number };

export type CompiledReentry =
  | { kind: 'once' }
  | { kind: 'always' }
  | { kind: 'after-exit' }
  | { kind: 'after'; ms: number };

export interface CompiledExitRule {
  event: string | null;
  filter: CompiledExpression | null;
  when: CompiledExpression | null;
  goal: string | null;
}

export interface CompiledJourney {
  id: string;
  stage: string;
  enabled: boolean;
  trigger: CompiledTrigger;
  entryKey: CompiledExpression | null;
  reentry: CompiledReentry;
  /** Exit rules on an event, by event type. */
  exitOnEvent: ReadonlyMap<string, readonly CompiledExitRule[]>;
  /** Exit rules on a condition, checked before every step and whenever the member changes. */
  exitWhen: readonly CompiledExitRule[];
  steps: readonly CompiledStep[];
  /** Step id → position. */
  positions: ReadonlyMap<string, number>;
  /** Default channel for steps that do not name one: the first `send` channel or the playbook's first. */
  channel: string;
}

export interface CompiledStage {
  id: string;
  index: number;
  when: CompiledExpression | null;
  keepWhen: CompiledExpression | null;
}

export interface CompiledTier {
  id: string;
  rank: number;
  when: CompiledExpression | null;
  keepWhen: CompiledExpression | null;
}

export interface CompiledOffer {
  id: string;
  name: Render | null;
  /** `offer.description` in an offer step's text (the language documents it there). */
  description: Render | null;
  price: number;
  currency: string;
  tierPrice: Readonly<Record<string, number>>;
  payment: string;
  /** `manual` for a pre-sale: the checkout only authorises; the payment is captured at the threshold. */
  capture: 'automatic' | 'manual';
}

export interface CompiledPool {
  id: string;
  channel: string;
  capacity: number;
  shard: 'fill' | 'balance' | 'by-attribute';
  by: string | null;
  overflow: 'open-new' | 'waitlist';
  name: Render | null;
  groups: readonly string[];
}

export interface CompiledCap {
  max: number;
  per: number;
  mode: 'defer' | 'skip';
}

export interface CompiledDelivery {
  quiet: { start: number; end: number; mode: 'defer' | 'skip' } | null;
  perMember: CompiledCap | null;
  perGroup: CompiledCap | null;
}

export interface JourneyRef {
  journey: CompiledJourney;
  filter: CompiledExpression | null;
}

/** A resolved playbook compiled once: expressions as closures, step graphs, triggers by kind. */
export interface CompiledPlaybook {
  id: string;
  version: string;
  /** Exact plugin versions by instance id (`telegram@1.4.2`), shared by every run of this version. */
  plugins: Readonly<Record<string, string>>;
  source: ResolvedPlaybook;
  name: string;
  timezone: string;
  params: Readonly<Record<string, unknown>>;
  stages: readonly CompiledStage[];
  stageIndex: ReadonlyMap<string, number>;
  tiers: readonly CompiledTier[];
  tierIndex: ReadonlyMap<string, number>;
  journeys: ReadonlyMap<string, CompiledJourney>;
  triggers: {
    byEvent: ReadonlyMap<string, readonly JourneyRef[]>;
    byStage: ReadonlyMap<string, readonly CompiledJourney[]>;
    segments: readonly CompiledJourney[];
    thresholds: readonly CompiledJourney[];
    schedules: readonly CompiledJourney[];
  };
  /** Event types some wait step waits for: unmatched ones are kept in the member's inbox. */
  waitEvents: ReadonlySet<string>;
  offers: ReadonlyMap<string, CompiledOffer>;
  pools: ReadonlyMap<string, CompiledPool>;
  delivery: CompiledDelivery;
  stageReviewMs: number | null;
  /** journey → old step id → new step id (null: end the run). */
  migrate: Readonly<Record<string, Readonly<Record<string, string | null>>>>;
  /** Distinct attribute lists of `introduce` steps: members are indexed under each. */
  introduceBy: readonly (readonly string[])[];
  /** Step kinds a mechanic runs instead of the engine: kind → mechanic name. */
  stepOverrides: ReadonlyMap<string, string>;
  /** Plans of the mechanics that apply to this playbook, by mechanic name. */
  plans: ReadonlyMap<string, unknown>;
  /** `playbook` in templates. */
  scopeInfo: Readonly<{ id: string; name: string; version: string }>;
}
