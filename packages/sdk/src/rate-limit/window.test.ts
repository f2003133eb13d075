import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BucketSpec, earliestSlot, fits } from './window.js';

/** The search as it was: every candidate instant checked with `fits` (the reference). */
function earliestByCandidates(log: readonly number[], spec: BucketSpec, from: number): number {
  if (fits(log, spec, from)) return from;
  const candidates = log.map((x) => x + spec.perMs).filter((t) => t > from);
  for (const t of candidates) if (fits(log, spec, t)) return t;
  return log[log.length - 1]! + spec.perMs;
}

const bucket = fc.record({
  key: fc.constant('b'),
  max: fc.integer({ min: 1, max: 5 }),
  perMs: fc.integer({ min: 1, max: 50 }),
});
const sortedLog = fc
  .array(fc.integer({ min: 0, max: 200 }), { maxLength: 40 })
  .map((xs) => xs.sort((a, b) => a - b));

describe('earliestSlot', () => {
  it('finds what checking every candidate with fits finds, on any log (property)', () => {
    fc.assert(
      fc.property(sortedLog, bucket, fc.integer({ min: 0, max: 250 }), (log, spec, from) => {
        expect(earliestSlot(log, spec, from)).toBe(earliestByCandidates(log, spec, from));
      }),
      { numRuns: 5000 },
    );
  });

  it('answers an instant that fits, and no earlier instant from `from` on fits (property)', () => {
    fc.assert(
      fc.property(sortedLog, bucket, fc.integer({ min: 0, max: 250 }), (log, spec, from) => {
        const t = earliestSlot(log, spec, from);
        expect(t).toBeGreaterThanOrEqual(from);
        expect(fits(log, spec, t)).toBe(true);
        for (let u = from; u < t; u++) expect(fits(log, spec, u)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays linear with thousands of sends queued on one connection', () => {
    const spec = { key: 'conn', max: 30, perMs: 1000 };
    const log: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const t = earliestSlot(log, spec, 0);
      log.push(t);
    }
    // 30 a second, back to back: the 10,000th send goes in the 334th second
    expect(log[29]).toBe(0);
    expect(log[30]).toBe(1000);
    expect(log[9_999]).toBe(333_000);
  });
});
