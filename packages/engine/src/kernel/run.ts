import type { CompiledExpression } from '@kith/playbook/browser';
import type { CompiledJourney, CompiledPlaybook, CompiledStep, Render } from '../compile/types.js';
import type { Effect } from '../model/effect.js';
import type { EventView, KithEvent } from '../model/event.js';
import type { JourneyInstance } from '../model/instance.js';
import type { MemberProfile, MemberState } from '../model/member.js';
import { applyChange, type MemberChange } from './changes.js';
import type { Kernel } from './context.js';
import { addTo, emptyOutcome, type Outcome } from './outcome.js';
import type { RunScope, StepRun, Wake } from './step-run.js';

export type { RunScope, StepRun, Wake } from './step-run.js';

const NO_REFERRER = Object.freeze({ id: null, name: null });

function referrerOf(state: MemberState): RunScope['referrer'] {
  return state.profile.referrer === null
    ? NO_REFERRER
    : { id: state.profile.referrer, name: state.referrerName };
}

/**
 * The working context of one input for one member: what step executors and the advance loop
 * share. It collects the outcome; it performs no I/O.
 */
export class Run implements StepRun {
  out: Outcome;
  readonly scope: RunScope;
  profile: MemberProfile;
  /** Member-local events still to handle in this input. */
  readonly queue: KithEvent[] = [];
  /** Events of a waited-for type that no wait took: kept in the inbox for waits about to begin. */
  readonly unmatched: EventView[] = [];
  /** Identity of the input, for ids derived from it (emitted events). */
  source = '';
  private emitted = 0;
  private looseSlot = 0;
  steps = 0;
  dirty = false;

  instance: JourneyInstance | null = null;
  journey: CompiledJourney | null = null;
  playbook: CompiledPlaybook;
  step: CompiledStep | null = null;
  slot = 0;
  /** The step runs a second time, woken by a reply or a resume: its effects get their own slots. */
  woken = false;
  output: unknown = null;
  wake: Wake | null = null;
  /** When the wait a migrated run was on began: its new wait keeps counting from there. */
  carriedSince: number | null = null;

  constructor(
    public kernel: Kernel,
    public state: MemberState,
    public now: number,
  ) {
    this.profile = state.profile;
    this.playbook = kernel.current;
    this.out = emptyOutcome();
    const pb = kernel.current;
    this.scope = {
      member: state.profile,
      event: null,
      params: pb.params,
      now,
      timezone: this.zone(),
      referrer: referrerOf(state),
      playbook: pb.scopeInfo,
      offer: null,
      price: null,
      checkout: null,
      peer: null,
      n: null,
      group: null,
    };
  }

  /**
   * Makes this run what `new Run(kernel, state, now)` would be, for another input: the run and
   * its scope are a quarter of what an input allocates, and `advance` needs one at a time. A field
   * added to the class must be set again here.
   */
  reset(kernel: Kernel, state: MemberState, now: number): void {
    this.kernel = kernel;
    this.state = state;
    this.now = now;
    this.profile = state.profile;
    const pb = kernel.current;
    this.playbook = pb;
    this.out = emptyOutcome();
    this.queue.length = 0;
    this.unmatched.length = 0;
    this.source = '';
    this.emitted = 0;
    this.looseSlot = 0;
    this.steps = 0;
    this.dirty = false;
    this.instance = null;
    this.journey = null;
    this.step = null;
    this.slot = 0;
    this.woken = false;
    this.output = null;
    this.wake = null;
    this.carriedSince = null;
    const scope = this.scope;
    scope.member = state.profile;
    scope.event = null;
    scope.params = pb.params;
    scope.now = now;
    scope.timezone = this.zone();
    scope.referrer = referrerOf(state);
    scope.playbook = pb.scopeInfo;
    scope.offer = null;
    scope.price = null;
    scope.checkout = null;
    scope.peer = null;
    scope.n = null;
    scope.group = null;
  }

  get tenant(): string {
    return this.kernel.tenant;
  }

  /** The member's time zone, else the playbook's. */
  zone(): string {
    return this.state.profile.timezone ?? this.playbook.timezone;
  }

  /** Points the run at an instance (its pinned version and its event). */
  enter(instance: JourneyInstance, playbook: CompiledPlaybook, journey: CompiledJourney): void {
    this.instance = instance;
    this.playbook = playbook;
    this.journey = journey;
    this.scope.event = instance.event;
    this.scope.params = playbook.params;
    this.scope.timezone = this.zone();
  }

  leave(): void {
    this.instance = null;
    this.journey = null;
    this.step = null;
    this.playbook = this.kernel.current;
    this.scope.params = this.playbook.params;
    this.scope.offer = null;
    this.scope.price = null;
    this.scope.checkout = null;
    this.scope.peer = null;
  }

  evaluate(expr: CompiledExpression): unknown {
    return expr(this.scope);
  }

  render(template: Render | null): string | null {
    return template === null ? null : template(this.scope);
  }

  change(c: MemberChange, owner: string | null = null): void {
    if (applyChange(this.state, c, owner)) {
      this.dirty = true;
      if (c.op === 'referrer')
        this.scope.referrer = { id: this.profile.referrer, name: this.state.referrerName };
      if (c.op === 'profile' && c.field === 'timezone') this.scope.timezone = this.zone();
    }
  }

  /** Queues an effect for the outbox, keyed by (tenant, instance, step, slot) or by the input. */
  effect(
    type: string,
    target: string,
    data: Readonly<Record<string, unknown>>,
    notBefore = this.now,
  ): Effect {
    const inst = this.instance;
    const step = this.step;
    const key =
      inst !== null && step !== null
        ? `${this.tenant}/${inst.id}/${step.id}/${this.woken ? 'w' : ''}${this.slot++}`
        : `${this.tenant}/${this.state.id}/${this.source}/${this.looseSlot++}`;
    const e: Effect = {
      key,
      tenant: this.tenant,
      member: this.state.id,
      instance: inst?.id ?? null,
      step: step?.id ?? null,
      type,
      target,
      data,
      notBefore,
    };
    addTo(this.out, 'effects', e);
    return e;
  }

  /**
   * Emits an event with an id derived from the input, so a replayed input emits the same ids
   * (and the runtime's dedupe drops the copies). This member's events are handled inline.
   */
  emit(
    type: string,
    data: Readonly<Record<string, unknown>>,
    member: string | null = this.state.id,
  ): KithEvent {
    const e: KithEvent = {
      tenant: this.tenant,
      id: `${this.source}~${this.emitted++}`,
      type,
      member,
      at: this.now,
      data,
    };
    addTo(this.out, 'events', e);
    if (member === this.state.id) this.queue.push(e);
    else addTo(this.out, 'forward', e);
    return e;
  }

  request(service: string, input: Readonly<Record<string, unknown>>, token: string | null): void {
    addTo(this.out, 'requests', { service, tenant: this.tenant, member: this.state.id, token, input });
  }
}
