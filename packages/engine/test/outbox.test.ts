import { describe, expect, it } from 'vitest';
import { backoffMs } from '../src/index.js';
import { createTestKit } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const PB = withJourneys(`
- journey: hi
  on: member.joined
  steps:
    - { id: hi, send: { via: tg, text: "hi {{ member.id }}" } }
`);

describe('outbox', () => {
  it('retries a failing effect with exponential backoff and jitter, then dead-letters it; a manual retry delivers it once', async () => {
    const kit = await createTestKit(PB, {
      retry: { baseMs: 1000, maxMs: 60_000, maxAttempts: 4, jitter: 0.5 },
    });
    const t0 = kit.clock.now();
    let down = true;
    const tries: number[] = [];
    kit.effects.failWhen((e, attempt) => {
      if (e.member !== 'ann') return undefined;
      tries.push(kit.clock.now() - t0);
      return down ? { ok: false, error: `provider 503 (attempt ${attempt})` } : undefined;
    });
    await kit.event('member.joined', 'ann');
    await kit.event('member.joined', 'bob');
    expect(kit.texts()).toEqual(['hi bob']);
    await kit.wait('1h');
    // four attempts: at 0, then after each backoff (1s, 2s, 4s before jitter)
    expect(tries).toHaveLength(4);
    const key = 'test/ann:hi:1/hi/0';
    const gaps = tries.slice(1).map((t, i) => t - tries[i]!);
    expect(gaps).toEqual(
      [1, 2, 3].map((n) => backoffMs({ baseMs: 1000, maxMs: 60_000, maxAttempts: 4, jitter: 0.5 }, n, key)),
    );
    gaps.forEach((g, i) => {
      const exp = 1000 * 2 ** i;
      expect(g).toBeGreaterThanOrEqual(exp / 2);
      expect(g).toBeLessThanOrEqual(exp);
    });
    const dead = await kit.runtime.deadLetters('test');
    expect(dead.map((d) => [d.effect.key, d.attempts, d.lastError])).toEqual([
      [key, 4, 'provider 503 (attempt 4)'],
    ]);

    down = false;
    expect(await kit.runtime.retryDeadLetter('test', key)).toBe(true);
    expect(await kit.runtime.retryDeadLetter('test', key)).toBe(false);
    await kit.runtime.tick();
    await kit.wait('1h');
    expect(kit.texts('ann')).toEqual(['hi ann']);
    expect(kit.effects.attempts.filter((a) => a.key === key && a.ok)).toHaveLength(1);
    expect(await kit.runtime.deadLetters('test')).toEqual([]);
  });

  it('a permanent error goes to the dead-letter list at once', async () => {
    const kit = await createTestKit(PB);
    kit.effects.failWhen(() => ({ ok: false, error: 'blocked by user', retryable: false }));
    await kit.event('member.joined', 'ann');
    expect((await kit.runtime.deadLetters('test')).map((d) => d.attempts)).toEqual([1]);
  });

  it('backoff is deterministic, grows exponentially and is capped', () => {
    const p = { baseMs: 1000, maxMs: 10_000, maxAttempts: 10, jitter: 0.5 };
    expect(backoffMs(p, 3, 'k')).toBe(backoffMs(p, 3, 'k'));
    expect(backoffMs(p, 9, 'k')).toBeLessThanOrEqual(10_000);
    expect(backoffMs(p, 9, 'k')).toBeGreaterThanOrEqual(5_000);
    expect(backoffMs({ ...p, jitter: 0 }, 4, 'k')).toBe(8000);
  });
});
