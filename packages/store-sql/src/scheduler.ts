import type { Scheduler, Timer } from '@kith/engine';
import { decJson, encJson, encText, int } from './codec.js';
import type { Sql } from './sql.js';

/**
 * The engine's Scheduler port on the store's database (the embedded mode's timers): one row per
 * (tenant, key) in `kith_timers`, so a wait of 30 days survives restarts. `takeDue` deletes the
 * rows it returns in one statement with FOR UPDATE SKIP LOCKED: two ticks, in one process or in
 * two processes on PostgreSQL, never get the same timer. A timer taken by a process that dies
 * before firing it is re-armed by `Runtime.recover` on the next start (waits and mechanic timers
 * are in the committed member state).
 */
export class SqlScheduler implements Scheduler {
  private readonly listeners = new Set<(at: number) => void>();

  constructor(readonly sql: Sql) {}

  /**
   * Called with the earliest instant of every `schedule` call (after it is stored): the embedded
   * loop wakes early when a timer is due before it meant to look again. Returns the unsubscribe.
   */
  onScheduled(listener: (at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async schedule(timers: readonly Timer[]): Promise<void> {
    if (timers.length === 0) return;
    // one row per key: the last timer given for a key wins, as if scheduled one by one
    // (ON CONFLICT DO UPDATE cannot touch a row twice in one statement)
    const byKey = new Map<string, Timer>();
    for (const t of timers) byKey.set(`${t.tenant}\u0000${t.key}`, t);
    // rows locked in one global order: two processes scheduling the same keys cannot deadlock
    const rows = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
    await this.sql.query(
      `INSERT INTO kith_timers (tenant, key, at, timer)
       SELECT t->>'tenant', t->>'key', (t->>'at')::bigint, t
       FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS x(t, i)
       ORDER BY i
       ON CONFLICT (tenant, key) DO UPDATE
         SET at = EXCLUDED.at, timer = EXCLUDED.timer, seq = nextval('kith_timers_seq')`,
      [encJson(rows)],
    );
    const earliest = rows.reduce((m, t) => Math.min(m, t.at), Number.POSITIVE_INFINITY);
    for (const l of this.listeners) l(earliest);
  }

  async cancel(tenant: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.sql.query('DELETE FROM kith_timers WHERE tenant = $1 AND key = ANY($2::text[])', [
      encText(tenant),
      keys.map(encText),
    ]);
  }

  async takeDue(now: number, limit: number): Promise<Timer[]> {
    if (limit <= 0) return [];
    const rows = await this.sql.query<{ timer: string; at: string | number; seq: string | number }>(
      // by ctid: a TID scan touches only the picked rows, whatever the planner's row estimates
      `DELETE FROM kith_timers WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM kith_timers WHERE at <= $1
         ORDER BY at, seq LIMIT $2
         FOR UPDATE SKIP LOCKED
       ))
       RETURNING timer::text AS timer, at, seq`,
      [now, limit],
    );
    return rows
      .map((r) => ({ at: int(r.at), seq: int(r.seq), timer: decJson<Timer>(r.timer) }))
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map((r) => r.timer);
  }

  async nextAt(): Promise<number | undefined> {
    const rows = await this.sql.query<{ at: string | number | null }>(
      'SELECT min(at) AS at FROM kith_timers',
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? undefined : int(at);
  }

  /** Timers set and not yet taken, earliest first (tests, the editor's inspector). */
  async pending(tenant?: string): Promise<Timer[]> {
    const rows = await this.sql.query<{ timer: string }>(
      `SELECT timer::text AS timer FROM kith_timers WHERE ($1::text IS NULL OR tenant = $1::text)
       ORDER BY at, seq`,
      [tenant === undefined ? null : encText(tenant)],
    );
    return rows.map((r) => decJson<Timer>(r.timer));
  }
}
