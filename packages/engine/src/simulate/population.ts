import { MemoryStore } from '../adapters/memory-store.js';
import { type MemberState, newMemberState } from '../model/member.js';

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

/**
 * The store the shared-state services (group directory, introductions, mechanics' ledgers) work
 * against during a simulation: the in-memory store's shared records, with members read straight
 * from the population (nothing is committed: the simulator owns the states).
 */
export class SimulationStore extends MemoryStore {
  constructor(private readonly population: Population) {
    super({ keepFinished: false });
  }

  override loadMemberNow(tenant: string, member: string): MemberState | undefined {
    if (tenant !== this.population.tenant) return undefined;
    const i = this.population.indexOf(member);
    return i < 0 ? undefined : this.population.states[i];
  }

  override async loadMember(tenant: string, member: string): Promise<MemberState | undefined> {
    return this.loadMemberNow(tenant, member);
  }

  override async *memberIds(tenant: string): AsyncIterable<string> {
    if (tenant !== this.population.tenant) return;
    const states = this.population.states;
    for (let i = 0; i < states.length; i++) yield states[i]!.id;
  }

  override memberCount(tenant: string): number {
    return tenant === this.population.tenant ? this.population.size : 0;
  }
}
