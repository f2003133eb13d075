import { describe, expect, it } from 'vitest';
import { createSqlStore } from '../src/index.js';

describe('PGlite store extras', () => {
  it('re-queues effects claimed and never settled (a dispatcher that died)', async () => {
    const store = await createSqlStore({ pglite: undefined });
    try {
      const effect = (key: string, notBefore: number) => ({
        key,
        tenant: 't',
        member: null,
        instance: null,
        step: null,
        type: 'message.send',
        target: 'tg',
        data: {},
        notBefore,
      });
      await store.enqueueEffects([effect('a', 1), effect('b', 2), effect('c', 3)]);
      expect((await store.dueEffects(10, 2)).map((e) => e.effect.key)).toEqual(['a', 'b']);
      // the process dies before settling a and b
      expect(await store.nextEffectAt()).toBe(3);
      expect(await store.requeueClaimed()).toBe(2);
      expect((await store.dueEffects(10, 10)).map((e) => e.effect.key)).toEqual(['a', 'b', 'c']);
    } finally {
      await store.close();
    }
  });
});
