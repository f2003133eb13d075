import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTimerKey, timerKey } from '../src/kernel/steps/wait.js';

describe('timer keys', () => {
  it('isTimerKey says exactly whether a key is timerKey(tenant, token)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        (tenant, token, otherTenant, otherToken) => {
          expect(isTimerKey(timerKey(tenant, token), tenant, token)).toBe(true);
          expect(isTimerKey(timerKey(otherTenant, otherToken), tenant, token)).toBe(
            timerKey(otherTenant, otherToken) === timerKey(tenant, token),
          );
        },
      ),
    );
  });

  it('a key one character off is not the timer key', () => {
    expect(isTimerKey('t/m:j:1@wait', 't', 'm:j:1@wait')).toBe(true);
    expect(isTimerKey('t/m:j:1@wai', 't', 'm:j:1@wait')).toBe(false);
    expect(isTimerKey('t:m:j:1@wait', 't', 'm:j:1@wait')).toBe(false);
    expect(isTimerKey('u/m:j:1@wait', 't', 'm:j:1@wait')).toBe(false);
  });
});
