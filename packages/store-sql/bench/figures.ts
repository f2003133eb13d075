/**
 * Figures for docs/operations.md: what one process gets out of the store on this machine.
 * Run: npx tsx --conditions kith-source packages/store-sql/bench/figures.ts [pg|pglite] [members]
 * (pg: a throwaway database on KITH_TEST_PG, default postgres://postgres@127.0.0.1:5432).
 */
import { MemoryEffects, newMemberState, Runtime, type Timer, VirtualClock } from '@kith/engine';
import { validatePlaybookText } from '@kith/playbook';
import pg from 'pg';
import { createSqlStore, SqlScheduler, type SqlStore } from '../src/index.js';

const HOST = process.env.KITH_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';
const backend = process.argv[2] === 'pglite' ? 'pglite' : 'pg';
const MEMBERS = Number(process.argv[3] ?? 20_000);

const PLAYBOOK = `
kith: 1
id: onboarding
name: Onboarding
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hello, send: { via: tg, text: "Welcome {{ member.name }}" } }
          - { id: pause, wait: 1d }
          - { id: nudge, send: { via: tg, text: "Day two, {{ member.name }}" } }
`;

async function timed<T>(label: string, n: number, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  const rate = n > 0 ? `, ${Math.round((n * 1000) / ms)}/s` : '';
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms${rate}`);
  return out;
}

async function pool<T>(items: readonly T[], width: number, fn: (x: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (i < items.length) await fn(items[i++] as T);
    }),
  );
}

async function open(): Promise<{ store: SqlStore; done: () => Promise<void> }> {
  if (backend === 'pglite') {
    const store = await createSqlStore({ pglite: undefined });
    return { store, done: () => store.close() };
  }
  const name = `kith_bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: `${HOST}/test` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const store = await createSqlStore({ url: `${HOST}/${name}` });
  return {
    store,
    async done() {
      await store.close();
      const c = new pg.Client({ connectionString: `${HOST}/test` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  console.log(`store figures: ${backend}, ${MEMBERS} members, node ${process.version}`);
  const { store, done } = await timed('open + migrate', 0, open);
  try {
    // the baseline: one statement round trip on this machine, now
    await timed('baseline: SELECT 1, one at a time', 1000, async () => {
      for (let i = 0; i < 1000; i++) await store.sql.query('SELECT 1');
    });
    const result = validatePlaybookText(PLAYBOOK, 'playbook.yaml');
    if (result.playbook === undefined) throw new Error('bad playbook');
    const clock = new VirtualClock('2026-01-05T00:00:00Z');
    const scheduler = new SqlScheduler(store.sql);
    const runtime = new Runtime({ store, scheduler, clock, effects: new MemoryEffects(clock) });
    await runtime.publish('acme', result.playbook, { version: '1' });

    const joins = Array.from({ length: 2_000 }, (_, i) => `j${i}`);
    const width = backend === 'pg' ? 8 : 1;
    await timed(`ingest member.joined (send + wait), ${width} at a time`, joins.length, () =>
      pool(joins, width, (m) =>
        runtime.ingest({ tenant: 'acme', id: `joined-${m}`, type: 'member.joined', member: m }),
      ),
    );
    await timed('tick: deliver the welcome effects', joins.length, () => runtime.tick());
    clock.advance(86_400_000 + 1);
    await timed('tick: fire the waits (timers) and deliver', joins.length, () => runtime.tick());

    const fresh = new Runtime({ store, scheduler, clock, effects: new MemoryEffects(clock) });
    await timed(`Runtime.recover after a restart (${joins.length} members)`, joins.length, () =>
      fresh.recover('acme'),
    );

    const ids = Array.from({ length: MEMBERS }, (_, i) => `m${String(i).padStart(6, '0')}`);
    const stages = ['attract', 'activate', 'transact', 'grow'];
    await timed(`commitMember (direct), ${width} at a time`, ids.length, () =>
      pool(ids, width, async (id) => {
        const s = structuredClone(newMemberState('big', id));
        const n = Number(id.slice(1));
        s.profile.stage = stages[n % 4] ?? null;
        s.profile.tier = n % 10 === 0 ? 'kol' : 'member';
        s.profile.tags = n % 7 === 0 ? ['vip'] : [];
        s.profile.name = `Member ${n}`;
        await store.commitMember({
          tenant: 'big',
          state: s,
          expectedRev: 0,
          eventId: `e-${id}`,
          effects: [],
          finished: [],
        });
      }),
    );
    await store.sql.exec('ANALYZE');
    const page = async (label: string, q: Parameters<SqlStore['findMembers']>[1]) => {
      const runs = 20;
      await timed(`findMembers ${label} (x${runs})`, runs, async () => {
        for (let i = 0; i < runs; i++) await store.findMembers('big', q);
      });
    };
    await page('limit 50, no filter', { limit: 50 });
    await page('stage=transact, limit 50', { limit: 50, stage: 'transact' });
    await page('tag=vip, limit 50', { limit: 50, tag: 'vip' });
    await page('tier=kol stage=attract, limit 50', { limit: 50, tier: 'kol', stage: 'attract' });
    await page("q='member 1999', limit 50", { limit: 50, q: 'member 1999' });
    await timed('countMembers tag=vip', 1, () => store.countMembers('big', { tag: 'vip' }));
    await timed('memberCounts (stage x tier)', 1, () => store.memberCounts('big'));

    const timers: Timer[] = Array.from({ length: 10_000 }, (_, i) => ({
      key: `t${i}`,
      tenant: 'timers',
      member: `m${i}`,
      at: 1_000 + i,
      kind: 'wait',
      name: `t${i}`,
      data: null,
    }));
    await timed('schedule 10 000 timers (batches of 100)', timers.length, async () => {
      for (let i = 0; i < timers.length; i += 100) await scheduler.schedule(timers.slice(i, i + 100));
    });
    await timed('takeDue 10 000 timers (batches of 1000)', timers.length, async () => {
      while ((await scheduler.takeDue(1_000_000, 1000)).length > 0) {}
    });

    const events = Array.from({ length: 5_000 }, (_, i) => `i${i}`);
    await timed(`saveInbound + markInboundDone, ${width} at a time`, events.length, () =>
      pool(events, width, async (id) => {
        await store.saveInbound('acme', { tenant: 'acme', id, type: 'x.y', member: 'a' });
        await store.markInboundDone('acme', id);
      }),
    );
  } finally {
    await done();
  }
}

await main();
