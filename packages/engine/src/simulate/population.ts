import { MemoryStore } from '../adapters/memory-store.js';
import type { Effect } from '../model/effect.js';
import { type MemberState, newMemberState } from '../model/member.js';
import type { CommitResult, MemberCommit } from '../ports/store.js';
import { answerKeys, INTRODUCTION_ANSWERS } from '../runtime/services/introductions.js';

/**
 * The synthetic members: their engine state in one array, indexed by arrival order. Ids are `m`
 * and the index in base 36 (`m0` … `mlfls` for a million): short ids keep every instance id,
 * wait token and event id that embeds them short, and an id maps back to its index without a Map.
 */
export class Population {
  readonly states: MemberState[] = [];

  constructor(readonly tenant: string) {}

  get size(): number {
    return this.states.length;
  }

  add(): number {
    const i = this.states.length;
    this.states.push(newMemberState(this.tenant, `m${i.toString(36)}`));
    return i;
  }

  /** The index of a member id, or -1 for an id that is not one of ours. */
  indexOf(id: string): number {
    if (id.length < 2 || id.charCodeAt(0) !== 109 /* m */) return -1;
    const i = Number.parseInt(id.slice(1), 36);
    return Number.isSafeInteger(i) && i >= 0 && i < this.states.length && this.states[i]!.id === id ? i : -1;
  }
}

/** Receives the effects a commit (or a community hook) hands to the outbox. */
export type EffectSink = (effects: readonly Effect[]) => void;

/**
 * The Store a simulation runs the Runtime on. Members live in the population (the live objects,
 * never copied: one runtime, one thread); shared records (group directory, introductions, the
 * ledger) in the in-memory store it extends. Effects do not wait in an outbox: each commit hands
 * them straight to the simulated providers, which deliver them at their time. Consumed event ids
 * are not remembered: every id the simulator makes is unique, and a million members' worth of
 * ids is memory the run cannot spare. For the same reason a finished run's introduction answers
 * go with its commit: they are kept only for a retry of that run, and it can come no more.
 */
export class SimulationStore extends MemoryStore {
  private readonly strangers = new Map<string, MemberState>();

  constructor(
    private readonly population: Population,
    private readonly sink: EffectSink,
  ) {
    super({ keepFinished: false });
  }

  override loadMemberNow(tenant: string, member: string): MemberState | undefined {
    if (tenant !== this.population.tenant) return undefined;
    const i = this.population.indexOf(member);
    return i < 0 ? this.strangers.get(member) : this.population.states[i];
  }

  override async loadMember(tenant: string, member: string): Promise<MemberState | undefined> {
    return this.loadMemberNow(tenant, member);
  }

  override async commitMember(c: MemberCommit): Promise<CommitResult> {
    return this.commitMemberNow(c);
  }

  override commitMemberNow(c: MemberCommit): CommitResult {
    const current = this.loadMemberNow(c.tenant, c.state.id);
    if ((current?.rev ?? 0) !== c.expectedRev) return 'conflict';
    c.state.rev = c.expectedRev + 1;
    // an id the simulator did not make (a playbook naming a member outright) is kept aside
    if (current === undefined) this.strangers.set(c.state.id, c.state);
    if (c.effects.length > 0) this.sink(c.effects);
    // index loops: `finished` is often the frozen empty list (see FunnelTally.observe)
    for (let i = 0; i < c.finished.length; i++) {
      const run = c.finished[i]!;
      if (run.log.length === 0) continue;
      const keys = answerKeys(run);
      for (let k = 0; k < keys.length; k++) this.dropShared(c.tenant, INTRODUCTION_ANSWERS, keys[k]!);
    }
    return 'ok';
  }

  override async enqueueEffects(effects: readonly Effect[]): Promise<void> {
    if (effects.length > 0) this.sink(effects);
  }

  override async consumeEvent(): Promise<boolean> {
    return true;
  }

  override async hasEvent(): Promise<boolean> {
    return false;
  }

  override hasEventNow(): boolean {
    return false;
  }

  override async *memberIds(tenant: string): AsyncIterable<string> {
    yield* this.memberIdsNow(tenant);
  }

  /** A list, not a generator: a review or a fan-out walks every member, one result object each. */
  override memberIdsNow(tenant: string): string[] {
    if (tenant !== this.population.tenant) return [];
    const states = this.population.states;
    const ids = new Array<string>(states.length);
    for (let i = 0; i < states.length; i++) ids[i] = states[i]!.id;
    for (const id of this.strangers.keys()) ids.push(id);
    return ids;
  }

  override memberCount(tenant: string): number {
    return tenant === this.population.tenant ? this.population.size + this.strangers.size : 0;
  }
}
