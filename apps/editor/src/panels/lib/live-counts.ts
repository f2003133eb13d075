import type { Funnel, LiveCounts } from '../../api/types.js';

/** What the live panel draws: members per stage now, and runs waiting per journey step. */
export interface LiveView {
  version: string | null;
  stages: { stage: string; reached: number; current: number }[];
  journeys: { journey: string; active: number; steps: { step: string; waiting: number }[] }[];
}

/** The first frame, from the funnel report: it knows every step of every journey, in order. */
export function fromFunnel(f: Funnel, version: string | null): LiveView {
  return {
    version,
    stages: f.stages.map((s) => ({ stage: s.stage, reached: s.reached, current: s.current })),
    journeys: f.journeys.map((j) => ({
      journey: j.journey,
      active: j.active,
      steps: j.steps.map((s) => ({ step: s.step, waiting: s.waiting })),
    })),
  };
}

/**
 * A `counts` frame over the view before it. Frames name only the steps someone waits on, so the
 * steps already known keep their place (at 0 when nobody waits there any more) and new ones are
 * added after them.
 */
export function applyCounts(prev: LiveView | null, c: LiveCounts): LiveView {
  const journeys = c.journeys.map((j) => {
    const known = prev?.journeys.find((p) => p.journey === j.journey)?.steps.map((s) => s.step) ?? [];
    const order = [...known, ...Object.keys(j.waiting).filter((s) => !known.includes(s))];
    return {
      journey: j.journey,
      active: j.active,
      steps: order.map((step) => ({ step, waiting: j.waiting[step] ?? 0 })),
    };
  });
  return {
    version: c.version,
    stages: c.stages.map((s) => ({ stage: s.stage, reached: s.reached, current: s.current })),
    journeys,
  };
}
