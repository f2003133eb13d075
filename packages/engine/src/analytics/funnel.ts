import type { CompiledJourney, CompiledPlaybook } from '../compile/types.js';
import type { Outcome } from '../kernel/outcome.js';
import type { JourneyInstance } from '../model/instance.js';
import type { MemberState } from '../model/member.js';

export interface StageRow {
  stage: string;
  /** Members who ever reached the stage. */
  reached: number;
  /** Members in the stage now. */
  current: number;
  /** `reached` over the previous stage's `reached` (the first stage: over all members); null when that is 0. */
  conversion: number | null;
}

export interface StepRow {
  step: string;
  kind: string;
  /** Runs that reached the step: `completed` + `waiting`. */
  entered: number;
  completed: number;
  /** Runs parked on the step now (a wait, a service call). */
  waiting: number;
  /** For a `goal` step, the goal it records. */
  goal: string | null;
}

export interface JourneyRow {
  journey: string;
  stage: string;
  /** Runs started (re-entries count again). */
  entered: number;
  /** Runs still going. */
  active: number;
  completed: number;
  exited: number;
  /** Goals reached by runs of this journey. */
  goals: Record<string, number>;
  /** Why runs ended without completing (`exit` step reasons, exit rules, `end`). */
  exits: Record<string, number>;
  steps: StepRow[];
}

export interface SourceRow {
  source: string;
  members: number;
  /** By stage id, in the playbook's order. */
  reached: Record<string, number>;
}

/** Where members are and how far they got: per stage, per source, per journey and per step. */
export interface Funnel {
  members: number;
  /** Members who left the community. */
  left: number;
  stages: StageRow[];
  sources: SourceRow[];
  /** Members per current tier, in the playbook's order. */
  tiers: Record<string, number>;
  /** Members who reached each goal (any journey). */
  goals: Record<string, number>;
  journeys: JourneyRow[];
}

interface JourneyCounts {
  journey: CompiledJourney;
  entered: number;
  active: number;
  completed: number;
  exited: number;
  goals: Map<string, number>;
  exits: Map<string, number>;
  done: Float64Array;
  waiting: Float64Array;
}

const NO_SOURCE = '(none)';

function bump(m: Map<string, number>, k: string, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/** A ratio to four decimals: reports stay byte-identical across runs and platforms. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/**
 * Keys in the order given first, then the rest sorted: stable output whatever the insertion order
 * (the funnel's counts, and the live view's from database aggregates).
 */
export function ordered(
  counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  first: readonly string[] = [],
): Record<string, number> {
  const m: ReadonlyMap<string, number> = counts instanceof Map ? counts : new Map(Object.entries(counts));
  const out: Record<string, number> = {};
  for (const k of first) if (m.has(k)) out[k] = m.get(k)!;
  for (const k of [...m.keys()].sort()) if (!Object.hasOwn(out, k)) out[k] = m.get(k)!;
  return out;
}

/**
 * Counts a community's funnel from what the engine keeps: member states (stages reached, tier,
 * source, goals, runs in progress with their step logs, entry records) and finished runs (their
 * step logs and how they ended). Live dashboards feed it from the Store and the Runtime's
 * observer, the simulator from its in-memory members: one way of counting for both.
 *
 * Steps are counted against the playbook version given; steps a run's own (older) version had
 * and this one lacks are left out.
 *
 * @example
 * const tally = new FunnelTally(compiled);
 * runtimeOptions.observer = (_t, _m, out) => tally.observe(out);
 * // … later, for each member state in the store:
 * tally.addMember(state);
 * const funnel = tally.funnel();
 */
export class FunnelTally {
  private members = 0;
  private left = 0;
  private readonly reached: Float64Array;
  private readonly current: Float64Array;
  private readonly sources = new Map<string, Float64Array>();
  private readonly tiers = new Map<string, number>();
  private readonly goals = new Map<string, number>();
  private readonly journeys = new Map<string, JourneyCounts>();
  private steps = 0;

  constructor(readonly playbook: CompiledPlaybook) {
    this.reached = new Float64Array(playbook.stages.length);
    this.current = new Float64Array(playbook.stages.length);
    for (const j of playbook.journeys.values()) {
      this.journeys.set(j.id, {
        journey: j,
        entered: 0,
        active: 0,
        completed: 0,
        exited: 0,
        goals: new Map(),
        exits: new Map(),
        done: new Float64Array(j.steps.length),
        waiting: new Float64Array(j.steps.length),
      });
    }
  }

  /** Journey steps completed in everything counted so far: the simulator's member-steps. */
  get stepsCompleted(): number {
    return this.steps;
  }

  /** Takes the finished runs of a committed outcome (for `RuntimeOptions.observer`). */
  observe(outcome: Outcome): void {
    // an index loop: `finished` is often the frozen empty list, and a `for…of` over lists of two
    // kinds allocated an iterator for every commit
    const finished = outcome.finished;
    for (let i = 0; i < finished.length; i++) this.addFinished(finished[i]!);
  }

  /** A run that ended (archived by the store). */
  addFinished(run: JourneyInstance): void {
    const c = this.journeys.get(run.journey);
    this.steps += run.log.length;
    if (c === undefined) return;
    this.countLog(c, run);
    // a `goal` or `exit` step ends the run where it stands: it is not in the log, the run's position is
    const last = c.journey.steps[run.pc];
    if (last !== undefined && (last.kind === 'goal' || last.kind === 'exit')) {
      c.done[last.pos]!++;
      this.steps++;
    }
    if (run.status === 'completed') c.completed++;
    else c.exited++;
    if (run.goal !== null) bump(c.goals, run.goal);
    if (run.status !== 'completed') bump(c.exits, run.reason ?? 'exit');
  }

  /** A member as stored: stages, source, tier, goals, and the runs it has in progress. */
  addMember(state: MemberState): void {
    this.members++;
    if (state.leftAt !== null) this.left++;
    const pb = this.playbook;
    const src = state.profile.source ?? NO_SOURCE;
    let bySource = this.sources.get(src);
    if (bySource === undefined) {
      // slot 0 counts members, the rest the stages reached
      bySource = new Float64Array(pb.stages.length + 1);
      this.sources.set(src, bySource);
    }
    bySource[0]!++;
    for (const s of state.stagesReached) {
      const i = pb.stageIndex.get(s);
      if (i === undefined) continue;
      this.reached[i]!++;
      bySource[i + 1]!++;
    }
    const cur = state.profile.stage === null ? undefined : pb.stageIndex.get(state.profile.stage);
    if (cur !== undefined) this.current[cur]!++;
    if (state.profile.tier !== '') bump(this.tiers, state.profile.tier);
    for (const g of state.profile.goals) bump(this.goals, g);
    for (const key in state.entries) {
      const c = this.journeys.get(key.slice(0, key.indexOf('\u0000')));
      if (c !== undefined) c.entered += state.entries[key]!.runs;
    }
    for (const run of state.instances) {
      this.steps += run.log.length;
      const c = this.journeys.get(run.journey);
      if (c === undefined) continue;
      c.active++;
      this.countLog(c, run);
      const at = run.wait === null ? undefined : c.journey.positions.get(run.wait.step);
      if (at !== undefined) c.waiting[at]!++;
    }
  }

  private countLog(c: JourneyCounts, run: JourneyInstance): void {
    const positions = c.journey.positions;
    for (const rec of run.log) {
      const at = positions.get(rec.step);
      if (at !== undefined) c.done[at]!++;
    }
  }

  funnel(): Funnel {
    const pb = this.playbook;
    const stageIds = pb.stages.map((s) => s.id);
    return {
      members: this.members,
      left: this.left,
      stages: pb.stages.map((s, i) => ({
        stage: s.id,
        reached: this.reached[i]!,
        current: this.current[i]!,
        conversion: ratio(this.reached[i]!, i === 0 ? this.members : this.reached[i - 1]!),
      })),
      sources: [...this.sources.keys()].sort().map((source) => {
        const counts = this.sources.get(source)!;
        return {
          source,
          members: counts[0]!,
          reached: Object.fromEntries(stageIds.map((id, i) => [id, counts[i + 1]!])),
        };
      }),
      tiers: ordered(
        this.tiers,
        pb.tiers.map((t) => t.id),
      ),
      goals: ordered(this.goals),
      journeys: [...this.journeys.values()].map((c) => ({
        journey: c.journey.id,
        stage: c.journey.stage,
        entered: c.entered,
        active: c.active,
        completed: c.completed,
        exited: c.exited,
        goals: ordered(c.goals),
        exits: ordered(c.exits),
        steps: c.journey.steps.map((s) => ({
          step: s.id,
          kind: s.kind,
          entered: c.done[s.pos]! + c.waiting[s.pos]!,
          completed: c.done[s.pos]!,
          waiting: c.waiting[s.pos]!,
          goal: s.kind === 'goal' ? s.goal : null,
        })),
      })),
    };
  }
}
