/**
 * The simulator's only source of randomness: sfc32 (Chris Doty-Humphrey's small fast counting
 * generator, 128 bits of state, passes PractRand) seeded through splitmix32. The same seed gives
 * the same sequence on every platform and Node version: everything is 32-bit integer arithmetic,
 * and the few transcendental calls (`Math.log`) go through V8's own fdlibm port.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // two 32-bit halves, so seeds that differ only above 2^32 still differ
    let s = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4_294_967_296) >>> 0, 0x9e3779b9);
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    // the first outputs of a fresh sfc32 are weakly mixed: discard them
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4_294_967_296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.float() < p);
  }

  /**
   * Failures before the first success of a p-coin: how many candidates to skip. Drawing the gaps
   * instead of flipping a coin per member is what makes a million-member day cost O(actors).
   */
  skip(p: number): number {
    if (p >= 1) return 0;
    if (p <= 0) return Number.POSITIVE_INFINITY;
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** An exponential delay with this mean (memoryless reaction times). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** An index drawn from cumulative weights (ascending, last = total). */
  weighted(cumulative: ArrayLike<number>): number {
    const n = cumulative.length;
    const x = this.float() * (cumulative[n - 1] ?? 0);
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Running sums of weights, for `Random.weighted`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}
