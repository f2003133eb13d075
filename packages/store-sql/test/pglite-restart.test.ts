import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryEffects, Runtime, VirtualClock } from '@kith/engine';
import { describe, expect, it } from 'vitest';
import { createSqlStore, SqlScheduler, startEmbeddedLoop } from '../src/index.js';
import { playbook, RecordingScheduler } from './embedded.js';
import { PGLITE_BOOT_MS } from './timeouts.js';

const DAY = 86_400_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const ORPHAN = {
  key: 'acme/community/orphan/0',
  tenant: 'acme',
  member: null,
  instance: null,
  step: null,
  type: 'group.open',
  target: 'tg',
  data: {},
  notBefore: START,
};
const MEMBERS = Array.from({ length: 100 }, (_, i) => `m${String(i).padStart(3, '0')}`);

describe('embedded mode on a PGlite directory', () => {
  it(
    'fires each of 100 pending waits exactly once after a restart, even with two ticks racing',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kith-embedded-'));
      try {
        const clock = new VirtualClock(START);
        // first life: 100 members join and park on a one-day wait
        const t0 = performance.now();
        {
          const store = await createSqlStore({ pglite: dir });
          const scheduler = new SqlScheduler(store.sql);
          const effects = new MemoryEffects(clock);
          const runtime = new Runtime({ store, scheduler, clock, effects });
          const loop = startEmbeddedLoop({ runtime, scheduler, store, pollMs: 60_000 });
          console.info(`boot: ${Math.round(performance.now() - t0)} ms`);
          await runtime.publish('acme', playbook('1d'), { version: '1' });
          for (const m of MEMBERS)
            await runtime.ingest({
              tenant: 'acme',
              id: `joined-${m}`,
              type: 'member.joined',
              member: m,
              data: { name: `N ${m}` },
            });
          await loop.wake();
          console.info(`first life: ${Math.round(performance.now() - t0)} ms`);
          expect(effects.messages()).toHaveLength(100);
          expect(await scheduler.pending('acme')).toHaveLength(100);
          expect(await scheduler.nextAt()).toBe(START + DAY);
          await loop.stop();
          // a dispatch that died: an effect claimed and never settled
          await store.enqueueEffects([ORPHAN]);
          expect((await store.dueEffects(clock.now(), 10)).map((e) => e.effect.key)).toEqual([ORPHAN.key]);
          await store.close();
        }

        // second life: everything reopened from the directory
        const store = await createSqlStore({ pglite: dir });
        const scheduler = new RecordingScheduler(store.sql);
        const effects = new MemoryEffects(clock);
        const runtime = new Runtime({ store, scheduler, clock, effects });
        const errors: unknown[] = [];
        const loop = startEmbeddedLoop({
          runtime,
          scheduler,
          store,
          pollMs: 60_000,
          onError: (e) => errors.push(e),
        });
        try {
          await loop.wake();
          // recovery re-armed the same 100 waits (replaced by key): still 100, none due yet; the
          // claim left by the dead process was put back in line and delivered once
          expect(await scheduler.pending('acme')).toHaveLength(100);
          expect(effects.attempts).toEqual([{ key: ORPHAN.key, attempt: 1, ok: true }]);
          effects.attempts.length = 0;

          // a second runtime on the same database ticks at the same moment as the loop
          const rival = new Runtime({ store, scheduler, clock, effects });
          expect(await rival.recover('acme')).toBe(100);
          clock.set(START + DAY + 1_000);
          await Promise.all([loop.wake(), rival.tick(), rival.tick()]);
          await loop.wake();

          console.info(`second life, with the race: ${Math.round(performance.now() - t0)} ms`);
          expect(errors).toEqual([]);
          expect(scheduler.taken).toHaveLength(100);
          expect(new Set(scheduler.taken).size).toBe(100);
          expect(effects.messages()).toHaveLength(100);
          expect(effects.attempts).toHaveLength(100);
          for (const m of MEMBERS) {
            expect(effects.messages(m).map((x) => x.text)).toEqual([`Day two, N ${m}`]);
            const state = await store.loadMember('acme', m);
            expect(state?.instances).toEqual([]);
          }
          const outbox = await store.outboxOf('acme');
          expect(outbox).toHaveLength(201);
          expect(outbox.every((e) => e.status === 'delivered')).toBe(true);
          expect(await scheduler.nextAt()).toBeUndefined();
        } finally {
          await loop.stop();
          await store.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    3 * PGLITE_BOOT_MS,
  );
});
