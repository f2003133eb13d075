import { minuteOfDay } from '../time/zone.js';
import type { Random } from './random.js';
import type { Curve } from './settings.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * Relative activity by local hour: people join, write and buy in the day and evening, hardly at
 * night. The shape only moves events within a day; the profile's probabilities set how many.
 */
const HOURLY = [
  0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1, 1.2, 1.2, 1.2, 1.3, 1.1, 1, 1, 1.1, 1.2, 1.4, 1.6, 1.7, 1.5,
  1, 0.5,
];

/** Relative weight of day `d` of `days` under a curve. */
function curveWeight(curve: Curve, d: number, days: number): number {
  switch (curve) {
    case 'flat':
      return 1;
    case 'launch':
      // a spike on day one decaying to a trickle: the time constant is a fifth of the run
      return Math.exp(-d / Math.max(1, days / 5));
    case 'growth':
      // steady compounding: the last day brings e² ≈ 7.4× the first
      return Math.exp((2 * d) / Math.max(1, days - 1));
  }
}

/**
 * Organic arrivals per day, summing exactly to `members`: each day gets the floor of its share and
 * the remainders go to the days with the largest fractions (earliest first on ties).
 */
export function arrivalsPerDay(members: number, days: number, curve: Curve): Float64Array {
  const w = Array.from({ length: days }, (_, d) => curveWeight(curve, d, days));
  const total = w.reduce((a, b) => a + b, 0);
  const out = new Float64Array(days);
  const frac: [number, number][] = [];
  let given = 0;
  for (let d = 0; d < days; d++) {
    const exact = (members * w[d]!) / total;
    out[d] = Math.floor(exact);
    given += out[d]!;
    frac.push([exact - out[d]!, d]);
  }
  frac.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; given < members; i++, given++) {
    const d = frac[i % days]![1];
    out[d] = out[d]! + 1;
  }
  return out;
}

/**
 * Picks instants within one simulated day, weighted by the local hour in the community's zone
 * (so that DST and odd offsets are honoured).
 */
export class DayClock {
  private readonly weights = new Float64Array(24);
  private dayStart = 0;

  constructor(private readonly zone: string) {}

  /** Points the clock at the day starting at `dayStart`. */
  setDay(dayStart: number): void {
    this.dayStart = dayStart;
    let sum = 0;
    for (let h = 0; h < 24; h++) {
      sum += HOURLY[Math.floor(minuteOfDay(this.zone, dayStart + h * HOUR) / 60)]!;
      this.weights[h] = sum;
    }
  }

  /** An instant within the day, to the millisecond. */
  pick(rng: Random): number {
    const h = rng.weighted(this.weights);
    return this.dayStart + h * HOUR + Math.floor(rng.float() * HOUR);
  }
}
