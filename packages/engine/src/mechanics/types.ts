import type { CompiledExpression, ResolvedPlaybook, StepKind } from '@kith/playbook/browser';
import type { CompiledPlaybook, CompiledStepOf, Control } from '../compile/types.js';
import type { MemberChange } from '../kernel/changes.js';
import type { ServiceRequest } from '../kernel/outcome.js';
import type { StepRun } from '../kernel/step-run.js';
import type { EventView, KithEvent } from '../model/event.js';
import type { JourneyInstance } from '../model/instance.js';
import type { MemberProfile } from '../model/member.js';
import type { Store } from '../ports/store.js';

/** What a mechanic sees when it reacts: the member (read-only), its own state and plan. */
export interface MechanicContext<Plan, State> {
  readonly tenant: string;
  readonly now: number;
  readonly member: Readonly<MemberProfile>;
  /** The member has left (or was removed): community notices pass it by. */
  readonly left: boolean;
  /** The mechanic's private state for this member (set it with a `{ op: 'state' }` change). */
  readonly state: State | undefined;
  readonly plan: Plan;
  readonly playbook: CompiledPlaybook;
  /** Evaluates a compiled expression with this member (and the event, if any) in scope. */
  evaluate(expr: CompiledExpression): unknown;
}

export interface MechanicEffect {
  type: string;
  /** The plugin instance that carries it out. */
  target: string;
  data: Record<string, unknown>;
  notBefore?: number;
}

export interface MechanicEvent {
  type: string;
  data?: Record<string, unknown>;
  /** Another member it is about (default: this member), or null for a community-level event. */
  member?: string | null;
}

/**
 * What a mechanic returns: changes to the member, effects (through the outbox), events (this
 * member's are handled at once; others' are ingested), timers and service requests.
 */
export interface MechanicOutput {
  changes?: readonly MemberChange[];
  effects?: readonly MechanicEffect[];
  events?: readonly MechanicEvent[];
  /** Call `onTimer(name, data)` at `at`; the same name replaces an earlier timer. */
  timers?: readonly { name: string; at: number; data?: Record<string, unknown> }[];
  /** Service calls; with `reply: true` the answer comes back through `onReply`. */
  requests?: readonly { service: string; input: Record<string, unknown>; reply?: boolean; name?: string }[];
}

/** What a mechanic sees at community level: no member. */
export interface CommunityContext<Plan> {
  readonly tenant: string;
  readonly now: number;
  readonly plan: Plan;
  readonly playbook: CompiledPlaybook;
}

/**
 * Community-level output: effects (an announcement to every group) and events for members —
 * `member: '*'` sends one to every member, which is how a ritual reaches each member's journeys.
 */
export interface CommunityOutput {
  effects?: readonly MechanicEffect[];
  events?: readonly (Omit<MechanicEvent, 'member'> & { member: string | null | '*' })[];
  /**
   * Service calls without a reply (member ''): how a community hook reaches shared state, e.g. an
   * announcement to every group of a pool, whose groups only the group directory knows.
   */
  requests?: readonly { service: string; input: Record<string, unknown> }[];
}

export interface MechanicSchedule {
  name: string;
  cron: string;
  /** IANA zone (default: the playbook's). */
  timezone?: string;
}

/** A step that just ran, for mechanics that react to step actions (orders, sends, goals). */
export interface StepInfo {
  journey: string;
  instance: Readonly<JourneyInstance>;
  step: { id: string; kind: string };
  output: unknown;
}

export interface ServiceEnv {
  readonly store: Store;
  readonly playbook: CompiledPlaybook;
  readonly now: number;
  /** Sends an event to a member (or the community): the way to change another member. */
  forward(event: MechanicEvent & { member: string | null }): void;
}

/** A shared-state operation: runs outside the pure core, against the store; must be idempotent per token. */
export type ServiceHandler = (request: ServiceRequest, env: ServiceEnv) => Promise<Record<string, unknown>>;

/** A custom executor for a step kind (replaces the built-in one for playbooks this mechanic applies to). */
export type StepOverride<K extends StepKind> = (step: CompiledStepOf<K>, run: StepRun) => Control;

/**
 * A mechanic: a community mechanism (referrals, campaigns, rituals, covenant, signals) plugged
 * into the engine. It compiles its part of the playbook once, then reacts to member events, to
 * steps, to its timers and to service replies by returning `MechanicOutput`; it never does I/O
 * itself except through services. Methods are optional; `compile` returning undefined switches
 * the mechanic off for that playbook.
 */
export interface Mechanic<Plan = unknown, State = unknown> {
  readonly name: string;
  /** Event types `onEvent` wants; `'*'` for all. */
  readonly events?: readonly string[];
  compile?(playbook: ResolvedPlaybook, params: Readonly<Record<string, unknown>>): Plan | undefined;
  onEvent?(ctx: MechanicContext<Plan, State>, event: KithEvent, view: EventView): MechanicOutput | undefined;
  onStep?(ctx: MechanicContext<Plan, State>, step: StepInfo): MechanicOutput | undefined;
  /**
   * Step kinds `onStep` wants (`offer`, `charge`, ...); every step when absent. `onStep` runs after
   * every step of every member: a mechanic that reads a few kinds saves the call for the rest.
   */
  readonly stepKinds?: readonly string[];
  onTimer?(
    ctx: MechanicContext<Plan, State>,
    name: string,
    data: Readonly<Record<string, unknown>> | null,
  ): MechanicOutput | undefined;
  onReply?(
    ctx: MechanicContext<Plan, State>,
    name: string,
    output: Readonly<Record<string, unknown>>,
  ): MechanicOutput | undefined;
  /** Recurring community-level timers (rituals): armed on publish, each firing calls `onSchedule`. */
  schedules?(plan: Plan, playbook: CompiledPlaybook): readonly MechanicSchedule[];
  /** `occurrence` counts this schedule's firings in the tenant, from 1 (kept in the Store). */
  onSchedule?(
    ctx: CommunityContext<Plan>,
    name: string,
    at: number,
    occurrence: number,
  ): CommunityOutput | undefined;
  /**
   * A gate on the stage ladder: false holds the member below `stage` (and every later stage) even
   * when its `when` holds. Asked whenever the member could move up, so a change that opens the
   * gate (a covenant accepted) moves the member up at once.
   */
  mayReachStage?(ctx: MechanicContext<Plan, State>, stage: string, index: number): boolean;
  /**
   * Reads what a member event needs from shared state before the pure core sees it (an invite
   * code's owner, an order's offer) and returns data merged over the event's. Runs outside the
   * pure core, for the types in `events`, each time an event not yet consumed comes in: it may
   * write shared state only idempotently (the same event prepared twice must come out the same).
   */
  prepare?(event: KithEvent, env: ServiceEnv): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** Community-level events (no member). */
  onCommunityEvent?(ctx: CommunityContext<Plan>, event: KithEvent): CommunityOutput | undefined;
  readonly steps?: { readonly [K in StepKind]?: StepOverride<K> };
  readonly services?: Readonly<Record<string, ServiceHandler>>;
}

/** Identity function that checks a mechanic's shape and infers its Plan and State. */
export function defineMechanic<Plan, State>(mechanic: Mechanic<Plan, State>): Mechanic<Plan, State> {
  return mechanic;
}
