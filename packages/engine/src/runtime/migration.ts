import type { CompiledPlaybook } from '../compile/types.js';
import { planMove } from '../kernel/migrate.js';
import { isLive } from '../model/instance.js';
import type { MemberState } from '../model/member.js';

export interface MigrationPreview {
  version: string;
  /** Runs that move to a step of the new version (`to: null`: the run ends). */
  moves: { journey: string; from: string; to: string | null; count: number }[];
  /** Runs that finish on the version they started on. */
  stays: { journey: string; version: string; step: string | null; count: number }[];
  members: number;
}

/** Counts, over members, where their runs go when `next` is published. */
export class MigrationTally {
  private readonly moves = new Map<string, MigrationPreview['moves'][number]>();
  private readonly stays = new Map<string, MigrationPreview['stays'][number]>();
  private members = 0;

  constructor(
    private readonly next: CompiledPlaybook,
    private readonly version: (id: string) => CompiledPlaybook | undefined,
  ) {}

  /** Adds a member; returns whether any of its runs would move or end. */
  add(state: MemberState): boolean {
    let affected = false;
    for (const inst of state.instances) {
      if (!isLive(inst) || inst.version === this.next.version) continue;
      const m = planMove(inst, this.version(inst.version), this.next);
      if (m.action === 'stay') {
        const key = `${m.journey}\u0000${inst.version}\u0000${m.from}`;
        const row = this.stays.get(key) ?? {
          journey: m.journey,
          version: inst.version,
          step: m.from,
          count: 0,
        };
        row.count++;
        this.stays.set(key, row);
        continue;
      }
      affected = true;
      const to = m.action === 'move' ? m.to : null;
      const key = `${m.journey}\u0000${m.from}\u0000${to}`;
      const row = this.moves.get(key) ?? { journey: m.journey, from: m.from, to, count: 0 };
      row.count++;
      this.moves.set(key, row);
    }
    if (affected) this.members++;
    return affected;
  }

  result(): MigrationPreview {
    return {
      version: this.next.version,
      moves: [...this.moves.values()],
      stays: [...this.stays.values()],
      members: this.members,
    };
  }
}
