import type {
  CommitResult,
  Effect,
  EventInput,
  JourneyInstance,
  MemberCommit,
  MemberState,
  OutboxEntry,
  PublishedVersion,
  SettleUpdate,
  Store,
} from '@kith/engine';
import { decJson, decText, encJson, encText, int } from './codec.js';
import { Inbox } from './inbox.js';
import {
  countMembers,
  findMembers,
  type MemberFilter,
  type MemberPage,
  type MemberQuery,
  memberCounts,
} from './members.js';
import { type MigrateReport, migrate } from './migrate.js';
import type { Sql, SqlRunner } from './sql.js';

export interface SqlStoreOptions {
  /** Keep finished journey runs (analytics, audit); on by default. */
  keepFinished?: boolean;
  /** Rows per round trip when `memberIds` / `listShared` page through a table. */
  pageSize?: number;
  /**
   * How long an effect handed out by `dueEffects` stays claimed without being settled before
   * `dueEffects` hands it out again (its worker is taken for dead). Default 60 000 ms; keep it
   * well above the slowest plugin call (a send that is still running past it goes out twice,
   * with the same idempotency key).
   */
  claimTimeoutMs?: number;
  /** How long inbox rows marked done are kept before pruning. Default 7 days. */
  inboundRetentionMs?: number;
  /** Pruning of done inbox rows runs at most this often (from `markInboundDone`). Default 60 000 ms. */
  inboundPruneEveryMs?: number;
}

export const DEFAULT_CLAIM_TIMEOUT_MS = 60_000;
export const DEFAULT_INBOUND_RETENTION_MS = 7 * 86_400_000;

interface OutboxRow {
  effect: string;
  status: OutboxEntry['status'];
  attempts: number | string;
  available_at: number | string | bigint;
  last_error: string | null;
  settled_at: number | string | bigint | null;
}

/**
 * JSONB goes in as text cast in SQL (`$n::text::jsonb`) and comes out as text (`col::text`),
 * parsed here: both drivers then agree, and the U+0000 encoding (codec.ts) applies to it.
 */
const json = encJson;

function entry(r: OutboxRow): OutboxEntry {
  return {
    effect: decJson<Effect>(r.effect),
    status: r.status,
    attempts: int(r.attempts),
    availableAt: int(r.available_at),
    lastError: r.last_error === null ? null : decText(r.last_error),
    settledAt: r.settled_at === null ? null : int(r.settled_at),
  };
}

/** Thrown inside a transaction to roll it back and answer `result`. */
class Rollback {
  constructor(readonly result: CommitResult) {}
}

const OUTBOX_COLUMNS = 'effect::text AS effect, status, attempts, available_at, last_error, settled_at';

/**
 * Inserts effects in the order given; an effect whose (tenant, key) the outbox already has is
 * ignored, and so is a repeat within the batch (the first one wins).
 */
async function insertEffects(db: SqlRunner, effects: readonly Effect[]): Promise<void> {
  if (effects.length === 0) return;
  await db.query(
    `INSERT INTO kith_outbox (tenant, key, effect, available_at)
     SELECT e->>'tenant', e->>'key', e, (e->>'notBefore')::bigint
     FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS t(e, i)
     ORDER BY i
     ON CONFLICT (tenant, key) DO NOTHING`,
    [json(effects)],
  );
}

/** The Store port on SQL: PostgreSQL through `pg`, or embedded PGlite — the same queries. */
export class SqlStore implements Store {
  private readonly keepFinished: boolean;
  private readonly pageSize: number;
  private readonly claimTimeoutMs: number;
  private readonly inbox: Inbox;
  private readonly listeners = new Set<(at: number) => void>();

  constructor(
    readonly sql: Sql,
    options: SqlStoreOptions = {},
  ) {
    this.keepFinished = options.keepFinished ?? true;
    this.pageSize = options.pageSize ?? 1000;
    this.claimTimeoutMs = nonNegative('claimTimeoutMs', options.claimTimeoutMs, DEFAULT_CLAIM_TIMEOUT_MS);
    this.inbox = new Inbox(
      sql,
      nonNegative('inboundRetentionMs', options.inboundRetentionMs, DEFAULT_INBOUND_RETENTION_MS),
      nonNegative('inboundPruneEveryMs', options.inboundPruneEveryMs, 60_000),
    );
  }

  /**
   * Called with the due time of effects this store instance queued (a member commit with effects,
   * `enqueueEffects`, an effect settled back to pending): the embedded loop wakes early for them.
   * Returns the unsubscribe.
   */
  onEffects(listener: (at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private queued(effects: readonly Effect[]): void {
    if (effects.length === 0 || this.listeners.size === 0) return;
    const at = effects.reduce((m, e) => Math.min(m, e.notBefore), Number.POSITIVE_INFINITY);
    for (const l of this.listeners) l(at);
  }

  /** Applies pending migrations (`createSqlStore` does this on start). */
  migrate(): Promise<MigrateReport> {
    return migrate(this.sql);
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  async loadMember(tenant: string, member: string): Promise<MemberState | undefined> {
    const rows = await this.sql.query<{ rev: string | number; state: string }>(
      'SELECT rev, state::text AS state FROM kith_members WHERE tenant = $1 AND id = $2',
      [encText(tenant), encText(member)],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const state = decJson<MemberState>(row.state);
    state.rev = int(row.rev);
    return state;
  }

  /**
   * One transaction: the compare-and-set on `rev` (a stale read is a conflict), the consumed event
   * (already consumed: a duplicate, nothing written), the state, the outbox rows, the finished runs.
   * A conflict is decided before a duplicate, as in MemoryStore.
   */
  async commitMember(c: MemberCommit): Promise<CommitResult> {
    const rev = c.expectedRev + 1;
    const state = json({ ...c.state, rev });
    try {
      await this.sql.transaction(async (tx) => {
        const written =
          c.expectedRev === 0
            ? await tx.query(
                `INSERT INTO kith_members (tenant, id, rev, state) VALUES ($1, $2, $3, $4::text::jsonb)
                 ON CONFLICT (tenant, id) DO NOTHING RETURNING 1 AS ok`,
                [encText(c.tenant), encText(c.state.id), rev, state],
              )
            : await tx.query(
                `UPDATE kith_members SET rev = $3, state = $4::text::jsonb, updated_at = now()
                 WHERE tenant = $1 AND id = $2 AND rev = $5 RETURNING 1 AS ok`,
                [encText(c.tenant), encText(c.state.id), rev, state, c.expectedRev],
              );
        if (written.length === 0) throw new Rollback('conflict');
        if (c.eventId !== null) {
          const fresh = await tx.query(
            `INSERT INTO kith_consumed_events (tenant, event_id) VALUES ($1, $2)
             ON CONFLICT (tenant, event_id) DO NOTHING RETURNING 1 AS ok`,
            [encText(c.tenant), encText(c.eventId)],
          );
          if (fresh.length === 0) throw new Rollback('duplicate');
        }
        await insertEffects(tx, c.effects);
        if (this.keepFinished && c.finished.length > 0)
          await this.insertFinished(tx, c.tenant, c.state.id, c.finished);
      });
    } catch (error) {
      if (error instanceof Rollback) return error.result;
      throw error;
    }
    c.state.rev = rev;
    this.queued(c.effects);
    return 'ok';
  }

  private async insertFinished(
    tx: SqlRunner,
    tenant: string,
    member: string,
    finished: readonly JourneyInstance[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO kith_finished_runs (tenant, member, instance)
       SELECT $1, $2, e
       FROM jsonb_array_elements($3::text::jsonb) WITH ORDINALITY AS t(e, i)
       ORDER BY i`,
      [encText(tenant), encText(member), json(finished)],
    );
  }

  /** Finished journey runs of a tenant, oldest first (analytics, audit). */
  async finishedRuns(tenant: string): Promise<JourneyInstance[]> {
    const rows = await this.sql.query<{ instance: string }>(
      'SELECT instance::text AS instance FROM kith_finished_runs WHERE tenant = $1 ORDER BY seq',
      [encText(tenant)],
    );
    return rows.map((r) => decJson<JourneyInstance>(r.instance));
  }

  async enqueueEffects(effects: readonly Effect[]): Promise<void> {
    await insertEffects(this.sql, effects);
    this.queued(effects);
  }

  async consumeEvent(tenant: string, eventId: string): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO kith_consumed_events (tenant, event_id) VALUES ($1, $2)
       ON CONFLICT (tenant, event_id) DO NOTHING RETURNING 1 AS ok`,
      [encText(tenant), encText(eventId)],
    );
    return rows.length > 0;
  }

  async hasEvent(tenant: string, eventId: string): Promise<boolean> {
    const rows = await this.sql.query(
      'SELECT 1 AS ok FROM kith_consumed_events WHERE tenant = $1 AND event_id = $2',
      [encText(tenant), encText(eventId)],
    );
    return rows.length > 0;
  }

  /** Member ids in id order, a page at a time (keyset pagination: no long-running cursor). */
  async *memberIds(tenant: string): AsyncIterable<string> {
    let after: string | null = null;
    for (;;) {
      const rows: { id: string }[] = await this.sql.query<{ id: string }>(
        `SELECT id FROM kith_members WHERE tenant = $1 AND ($2::text IS NULL OR id > $2::text)
         ORDER BY id LIMIT $3`,
        [encText(tenant), after, this.pageSize],
      );
      for (const r of rows) yield decText(r.id);
      const last = rows.at(-1);
      if (rows.length < this.pageSize || last === undefined) return;
      after = last.id;
    }
  }

  /**
   * Claims the pending effects due by `now`, oldest first (by due time, then by when they were
   * queued or re-queued): a claimed effect is not handed out again until it is settled back to
   * `pending`. Concurrent workers skip each other's rows (FOR UPDATE SKIP LOCKED).
   */
  async dueEffects(now: number, limit: number): Promise<OutboxEntry[]> {
    if (limit <= 0) return [];
    await this.requeueExpiredClaims();
    const rows = await this.sql.query<OutboxRow & { picked: string | number }>(
      // by ctid: a TID scan touches only the picked rows (a join would scan the whole outbox when
      // the planner's estimates are off); the old due_seq is kept in claimed_seq for the order
      `UPDATE kith_outbox SET claimed_seq = due_seq, due_seq = NULL, claimed_at = now()
       WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM kith_outbox
         WHERE status = 'pending' AND due_seq IS NOT NULL AND available_at <= $1
         ORDER BY available_at, due_seq
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ))
       RETURNING ${OUTBOX_COLUMNS}, claimed_seq AS picked`,
      [now, limit],
    );
    return rows
      .map((r) => ({ at: int(r.available_at), seq: int(r.picked), e: entry(r) }))
      .sort((a, b) => a.at - b.at || a.seq - b.seq)
      .map((r) => r.e);
  }

  /**
   * Puts back in line every effect claimed by `dueEffects` and never settled (its process died
   * mid-dispatch); returns how many. Run it when no dispatcher is running — with live workers it
   * would hand their in-flight effects out a second time (still at least once, same key).
   * `dueEffects` does this by itself for claims older than `claimTimeoutMs`.
   */
  async requeueClaimed(): Promise<number> {
    const rows = await this.sql.query(
      `UPDATE kith_outbox SET due_seq = nextval('kith_outbox_due_seq'), claimed_at = NULL
       WHERE status = 'pending' AND due_seq IS NULL RETURNING 1 AS ok`,
    );
    return rows.length;
  }

  /**
   * Claims older than the claim timeout (database time, so workers' clocks need not agree) go
   * back in line behind the effects already waiting. Concurrent callers serialise on the row
   * locks, and the second finds the row no longer claimed.
   */
  private async requeueExpiredClaims(): Promise<void> {
    await this.sql.query(
      `UPDATE kith_outbox SET due_seq = nextval('kith_outbox_due_seq'), claimed_at = NULL
       WHERE status = 'pending' AND due_seq IS NULL
         AND claimed_at <= now() - $1::double precision * interval '1 millisecond'`,
      [this.claimTimeoutMs],
    );
  }

  async nextEffectAt(): Promise<number | undefined> {
    const rows = await this.sql.query<{ at: string | number | null }>(
      `SELECT min(available_at) AS at FROM kith_outbox WHERE status = 'pending' AND due_seq IS NOT NULL`,
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? undefined : int(at);
  }

  async settleEffect(tenant: string, key: string, u: SettleUpdate): Promise<void> {
    await this.sql.query(
      `UPDATE kith_outbox SET status = $3, attempts = $4, available_at = $5, last_error = $6, settled_at = $7,
         claimed_at = NULL, due_seq = CASE WHEN $3 = 'pending' THEN nextval('kith_outbox_due_seq') ELSE NULL END
       WHERE tenant = $1 AND key = $2`,
      [
        encText(tenant),
        encText(key),
        u.status,
        u.attempts,
        u.availableAt,
        u.lastError === null ? null : encText(u.lastError),
        u.settledAt,
      ],
    );
    if (u.status === 'pending') for (const l of this.listeners) l(u.availableAt);
  }

  async getEffect(tenant: string, key: string): Promise<OutboxEntry | undefined> {
    const rows = await this.sql.query<OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM kith_outbox WHERE tenant = $1 AND key = $2`,
      [encText(tenant), encText(key)],
    );
    const row = rows[0];
    return row === undefined ? undefined : entry(row);
  }

  /** Dead effects of a tenant, in the order they were queued. */
  async deadLetters(tenant: string): Promise<OutboxEntry[]> {
    const rows = await this.sql.query<OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM kith_outbox WHERE tenant = $1 AND status = 'dead' ORDER BY created_seq`,
      [encText(tenant)],
    );
    return rows.map(entry);
  }

  /** Every outbox entry of a tenant, in the order queued (tests, the editor). */
  async outboxOf(tenant: string): Promise<OutboxEntry[]> {
    const rows = await this.sql.query<OutboxRow>(
      `SELECT ${OUTBOX_COLUMNS} FROM kith_outbox WHERE tenant = $1 ORDER BY created_seq`,
      [encText(tenant)],
    );
    return rows.map(entry);
  }

  async readShared<T>(tenant: string, namespace: string, key: string): Promise<T | undefined> {
    const rows = await this.sql.query<{ value: string }>(
      'SELECT value::text AS value FROM kith_shared WHERE tenant = $1 AND namespace = $2 AND key = $3 AND value IS NOT NULL',
      [encText(tenant), encText(namespace), encText(key)],
    );
    const row = rows[0];
    return row === undefined ? undefined : decJson<T>(row.value);
  }

  /**
   * Read-modify-write under a row lock: a placeholder row is inserted if the record is new, so
   * that concurrent first writers also queue on the lock; `update` runs exactly once, and a
   * throw rolls everything back (the placeholder too).
   */
  async updateShared<T>(
    tenant: string,
    namespace: string,
    key: string,
    update: (current: T | undefined) => T,
  ): Promise<T> {
    return this.sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO kith_shared (tenant, namespace, key, value) VALUES ($1, $2, $3, NULL)
         ON CONFLICT (tenant, namespace, key) DO NOTHING`,
        [encText(tenant), encText(namespace), encText(key)],
      );
      const rows = await tx.query<{ value: string | null }>(
        'SELECT value::text AS value FROM kith_shared WHERE tenant = $1 AND namespace = $2 AND key = $3 FOR UPDATE',
        [encText(tenant), encText(namespace), encText(key)],
      );
      const current = rows[0]?.value ?? null;
      const next = update(current === null ? undefined : decJson<T>(current));
      await tx.query(
        `UPDATE kith_shared SET value = $4::text::jsonb, version = version + 1
         WHERE tenant = $1 AND namespace = $2 AND key = $3`,
        [encText(tenant), encText(namespace), encText(key), next === undefined ? null : json(next)],
      );
      return next;
    });
  }

  /** Every record of a namespace, a page at a time in key order. */
  async *listShared<T>(tenant: string, namespace: string): AsyncIterable<[string, T]> {
    let after: string | null = null;
    for (;;) {
      const rows: { key: string; value: string }[] = await this.sql.query<{ key: string; value: string }>(
        `SELECT key, value::text AS value FROM kith_shared
         WHERE tenant = $1 AND namespace = $2 AND value IS NOT NULL AND ($3::text IS NULL OR key > $3::text)
         ORDER BY key LIMIT $4`,
        [encText(tenant), encText(namespace), after, this.pageSize],
      );
      for (const r of rows) yield [decText(r.key), decJson<T>(r.value)];
      const last = rows.at(-1);
      if (rows.length < this.pageSize || last === undefined) return;
      after = last.key;
    }
  }

  /**
   * Saves an event the API accepted, before it is run: false if this (tenant, id) is already in
   * the inbox or was already consumed by the engine (a re-delivery). The caller runs it, then
   * calls `markInboundDone`.
   */
  saveInbound(tenant: string, event: EventInput & { id: string }): Promise<boolean> {
    return this.inbox.save(tenant, event);
  }

  /** The saved event, done or not; undefined if never saved or pruned. */
  loadInbound(tenant: string, id: string): Promise<(EventInput & { id: string }) | undefined> {
    return this.inbox.load(tenant, id);
  }

  /** Marks a saved event run by the engine; done rows are pruned after `inboundRetentionMs`. */
  markInboundDone(tenant: string, id: string): Promise<void> {
    return this.inbox.markDone(tenant, id);
  }

  /** Saved events not yet done, oldest first (a restarted worker picks these up). */
  pendingInbound(limit: number): Promise<{ tenant: string; id: string }[]> {
    return this.inbox.pending(limit);
  }

  /** Deletes done inbox rows past the retention period now; returns how many. */
  pruneInbound(): Promise<number> {
    return this.inbox.prune();
  }

  /** One page of a tenant's members matching the filter, in id order, with a stable cursor. */
  findMembers(tenant: string, query: MemberQuery): Promise<MemberPage> {
    return findMembers(this.sql, tenant, query);
  }

  /** How many of a tenant's members match the filter (segment sizes). */
  countMembers(tenant: string, filter: MemberFilter = {}): Promise<number> {
    return countMembers(this.sql, tenant, filter);
  }

  /** Members now, per current stage and per current tier. */
  memberCounts(
    tenant: string,
  ): Promise<{ members: number; stages: Record<string, number>; tiers: Record<string, number> }> {
    return memberCounts(this.sql, tenant);
  }

  /** Tenants with at least one published version: those `Runtime.recover` has work for after a restart. */
  async publishedTenants(): Promise<string[]> {
    const rows = await this.sql.query<{ tenant: string }>(
      'SELECT DISTINCT tenant FROM kith_published ORDER BY tenant',
    );
    return rows.map((r) => decText(r.tenant));
  }

  async savePublished(tenant: string, v: PublishedVersion): Promise<void> {
    await this.sql.query(
      `INSERT INTO kith_published (tenant, version, published_at, playbook, params)
       VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb)`,
      [encText(tenant), encText(v.version), v.publishedAt, json(v.playbook), json(v.params)],
    );
  }

  async listPublished(tenant: string): Promise<PublishedVersion[]> {
    const rows = await this.sql.query<{
      version: string;
      published_at: string | number;
      playbook: string;
      params: string;
    }>(
      'SELECT version, published_at, playbook::text AS playbook, params::text AS params FROM kith_published WHERE tenant = $1 ORDER BY seq',
      [encText(tenant)],
    );
    return rows.map((r) => ({
      version: decText(r.version),
      publishedAt: int(r.published_at),
      playbook: decJson<unknown>(r.playbook),
      params: decJson<Record<string, unknown>>(r.params),
    }));
  }
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`SqlStoreOptions.${name} must be a number of milliseconds ≥ 0, got ${value}`);
  return value;
}
