/** One member's standing in one ritual. */
export interface RitualStanding {
  /** The occurrence open for check-in, from its `ritual.started`. */
  open: { n: number; at: number; until: number } | null;
  /** The occurrence of the last check-in. */
  last: number | null;
  /** Check-ins in the current streak. */
  streak: number;
  /** Reward milestones (`days`) already given: each is given once per member. */
  rewarded: number[];
}

export const NO_STANDING: RitualStanding = Object.freeze({
  open: null,
  last: null,
  streak: 0,
  rewarded: Object.freeze([]) as unknown as number[],
});

/**
 * Whether the streak survives up to occurrence `n` (exclusive): the occurrences missed since the
 * last check-in must not exceed `grace` (a gap of that many in a row is forgiven, each time).
 */
export function streakAlive(s: RitualStanding, n: number, grace: number): boolean {
  return s.streak > 0 && s.last !== null && n - s.last - 1 <= grace;
}

/** The streak after checking in at occurrence `n`. */
export function streakAfterCheckin(s: RitualStanding, n: number, grace: number): number {
  return streakAlive(s, n, grace) ? s.streak + 1 : 1;
}
