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
import { Coalescer, distinctParts, Failed } from './batch.js';
import { decJson, decText, encJson, encText, int } from './codec.js';
import { findMemberByIdentity } from './identities.js';
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
import { type MemberTallies, memberTallies } from './tallies.js';

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
  /**
   * Coalesce concurrent `loadMember`, `hasEvent`, `getEffect`, `settleEffect` and `commitMember`
   * calls into multi-row statements (a commit group is one transaction; each commit's
   * compare-and-set still answers alone). On by default; off: one statement per call.
   */
  coalesce?: boolean;
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

/** Thrown inside a commit group's transaction to roll it back: these commits are duplicates. */
class Duplicates {
  constructor(readonly indexes: readonly number[]) {}
}

/** Deadlock or serialization failure: the group's transaction is run again. */
function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** A map key for a pair of strings as the database returns them (encoded). */
const pair = (a: string, b: string): string => `${a}\u0000${b}`;

/** Rows per multi-row statement of a coalesced batch. */
const MAX_BATCH = 500;

/** An effect handed to `onCommittedEffects` listeners: claimed by this process at commit. */
export interface ClaimedEffect {
  tenant: string;
  key: string;
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
  private readonly committedListeners = new Set<(effects: ClaimedEffect[]) => void>();
  /**
   * Effects this process claimed at commit, as written, until `getEffect` first asks for them:
   * nobody else can change a row this process holds the claim of, so the read that delivering it
   * starts with is answered from here (once, and only while the claim is young).
   */
  private readonly claimedHere = new Map<string, { effect: Effect; at: number }>();
  private readonly loads: Coalescer<{ tenant: string; member: string }, MemberState | undefined> | undefined;
  private readonly seen: Coalescer<{ tenant: string; eventId: string }, boolean> | undefined;
  private readonly effectReads:
    | Coalescer<{ tenant: string; key: string }, OutboxEntry | undefined>
    | undefined;
  private readonly settles:
    | Coalescer<{ tenant: string; key: string; u: SettleUpdate }, undefined>
    | undefined;
  private readonly commits: Coalescer<MemberCommit, CommitResult> | undefined;

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
    if (options.coalesce ?? true) {
      // PGlite runs one statement at a time: one batch in flight, the next one forming behind it
      const pg = sql.dialect === 'postgres';
      this.loads = new Coalescer((k) => this.loadMembers(k), pg ? 2 : 1, MAX_BATCH);
      this.seen = new Coalescer((k) => this.hasEvents(k), pg ? 2 : 1, MAX_BATCH);
      this.effectReads = new Coalescer((k) => this.getEffects(k), pg ? 2 : 1, MAX_BATCH);
      this.settles = new Coalescer((k) => this.settleEffects(k), pg ? 2 : 1, MAX_BATCH);
      this.commits = new Coalescer((c) => this.commitMembers(c), pg ? 3 : 1, MAX_BATCH);
    }
  }

  /**
   * Makes this store claim, at commit, the effects a member commit queues that are due already,
   * and hand them to `listener` once committed: the process delivers them at once
   * (`runtime.deliverEffect`) instead of waiting for an outbox poll. A claimed effect is not handed
   * out by `dueEffects` or `requeueClaimed`; if the process dies before settling it, the claim
   * expires after `claimTimeoutMs` and it goes back in line. Returns the unsubscribe.
   */
  onCommittedEffects(listener: (effects: ClaimedEffect[]) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
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
    if (this.loads !== undefined) return this.loads.call({ tenant, member });
    return (await this.loadMembers([{ tenant, member }]))[0];
  }

  /** One statement for many members; a LATERAL per key so each is a primary-key lookup. */
  private async loadMembers(
    keys: { tenant: string; member: string }[],
  ): Promise<(MemberState | undefined)[]> {
    const rows = await this.sql.query<{ tenant: string; id: string; rev: string | number; state: string }>(
      `SELECT m.tenant, m.id, m.rev, m.state::text AS state
       FROM jsonb_array_elements($1::text::jsonb) AS j(x),
       LATERAL (SELECT tenant, id, rev, state FROM kith_members
                WHERE tenant = x->>'t' AND id = x->>'m' LIMIT 1) m`,
      [json(keys.map((k) => ({ t: k.tenant, m: k.member })))],
    );
    const byKey = new Map(rows.map((r) => [pair(r.tenant, r.id), r]));
    return keys.map((k) => {
      const row = byKey.get(pair(encText(k.tenant), encText(k.member)));
      if (row === undefined) return undefined;
      // each caller gets its own object: the engine mutates the state it loaded
      const state = decJson<MemberState>(row.state);
      state.rev = int(row.rev);
      return state;
    });
  }

  /**
   * One transaction: the compare-and-set on `rev` (a stale read is a conflict), the consumed event
   * (already consumed: a duplicate, nothing written), the state, the outbox rows, the finished
   * runs. A conflict is decided before a duplicate, as in MemoryStore. Concurrent commits go in
   * one transaction with multi-row statements; each still gets its own answer, and a conflicting
   * or duplicate one does not hold back the others.
   */
  async commitMember(c: MemberCommit): Promise<CommitResult> {
    if (this.commits !== undefined) return this.commits.call(c);
    const [r] = await this.commitMembers([c]);
    if (r instanceof Failed) throw r.error;
    return r!;
  }

  private async commitMembers(commits: MemberCommit[]): Promise<(CommitResult | Failed)[]> {
    const results: (CommitResult | Failed)[] = [];
    // one member twice in a group: the second commit goes in the next transaction, after the first
    const parts = distinctParts(
      commits.map((c, i) => ({ c, i })),
      (x) => JSON.stringify([x.c.tenant, x.c.state.id]),
    );
    for (const part of parts) {
      // a group that fails (the database went away mid-way) fails its own commits only
      const r = await this.commitGroup(part.map((x) => x.c)).catch((error: unknown) =>
        part.map(() => new Failed(error)),
      );
      part.forEach((x, k) => {
        results[x.i] = r[k]!;
      });
    }
    return results;
  }

  private async commitGroup(commits: readonly MemberCommit[]): Promise<CommitResult[]> {
    const out: (CommitResult | undefined)[] = commits.map(() => undefined);
    const claimDue = this.committedListeners.size > 0;
    const now = Date.now();
    for (let failures = 0; ; ) {
      const live = out.flatMap((r, i) => (r === undefined ? [i] : []));
      if (live.length === 0) return out as CommitResult[];
      let claimed: (ClaimedEffect & { effect: Effect })[] = [];
      let written: number[];
      try {
        [written, claimed] = await this.sql.transaction((tx) =>
          this.writeGroup(tx, commits, live, claimDue, now),
        );
      } catch (error) {
        if (error instanceof Duplicates) {
          for (const i of error.indexes) out[i] = 'duplicate';
          continue;
        }
        if (retryable(error) && failures++ < 5) continue;
        throw error;
      }
      for (const i of live) out[i] = 'conflict';
      const effects: Effect[] = [];
      for (const i of written) {
        const c = commits[i]!;
        out[i] = 'ok';
        c.state.rev = c.expectedRev + 1;
        effects.push(...c.effects);
      }
      this.queued(effects);
      if (claimed.length > 0) {
        const at = Date.now();
        if (this.claimedHere.size > 100_000) this.forgetOldClaims(at);
        for (const c of claimed)
          this.claimedHere.set(JSON.stringify([c.tenant, c.key]), { effect: c.effect, at });
        const handed = claimed.map(({ tenant, key }) => ({ tenant, key }));
        for (const l of this.committedListeners) l(handed);
      }
      return out as CommitResult[];
    }
  }

  /** The group's statements; returns the commits written and the effects claimed for this process. */
  private async writeGroup(
    tx: SqlRunner,
    commits: readonly MemberCommit[],
    live: readonly number[],
    claimDue: boolean,
    now: number,
  ): Promise<[number[], (ClaimedEffect & { effect: Effect })[]]> {
    const byMember = new Map<string, number>();
    for (const i of live) byMember.set(pair(encText(commits[i]!.tenant), encText(commits[i]!.state.id)), i);
    const rowsOf = (indexes: readonly number[]) =>
      json(
        indexes.map((i) => {
          const c = commits[i]!;
          return { t: c.tenant, m: c.state.id, e: c.expectedRev, s: { ...c.state, rev: c.expectedRev + 1 } };
        }),
      );
    const fresh = live.filter((i) => commits[i]!.expectedRev === 0);
    const old = live.filter((i) => commits[i]!.expectedRev !== 0);
    const writtenRows: { tenant: string; id: string }[] = [];
    if (fresh.length > 0) {
      writtenRows.push(
        ...(await tx.query<{ tenant: string; id: string }>(
          `INSERT INTO kith_members (tenant, id, rev, state)
           SELECT x->>'t', x->>'m', 1, x->'s' FROM jsonb_array_elements($1::text::jsonb) AS j(x)
           ON CONFLICT (tenant, id) DO NOTHING RETURNING tenant, id`,
          [rowsOf(fresh)],
        )),
      );
    }
    if (old.length > 0) {
      // matched by primary key and rev in the UPDATE itself: a row another transaction changes
      // meanwhile is checked again on its new version (its rev moved: a conflict)
      writtenRows.push(
        ...(await tx.query<{ tenant: string; id: string }>(
          `UPDATE kith_members m SET rev = (x->>'e')::bigint + 1, state = x->'s', updated_at = now()
           FROM jsonb_array_elements($1::text::jsonb) AS j(x)
           WHERE m.tenant = x->>'t' AND m.id = x->>'m' AND m.rev = (x->>'e')::bigint
           RETURNING m.tenant, m.id`,
          [rowsOf(old)],
        )),
      );
    }
    const written = writtenRows
      .map((r) => byMember.get(pair(r.tenant, r.id)))
      .filter((i): i is number => i !== undefined)
      .sort((a, b) => a - b);
    const consuming = written.filter((i) => commits[i]!.eventId !== null);
    if (consuming.length > 0) {
      const rows = await tx.query<{ tenant: string; event_id: string }>(
        `INSERT INTO kith_consumed_events (tenant, event_id)
         SELECT x->>'t', x->>'e' FROM jsonb_array_elements($1::text::jsonb) AS j(x)
         ON CONFLICT (tenant, event_id) DO NOTHING RETURNING tenant, event_id`,
        [json(consuming.map((i) => ({ t: commits[i]!.tenant, e: commits[i]!.eventId })))],
      );
      const fresh = new Set(rows.map((r) => pair(r.tenant, r.event_id)));
      const duplicates: number[] = [];
      for (const i of consuming) {
        const k = pair(encText(commits[i]!.tenant), encText(commits[i]!.eventId!));
        if (fresh.has(k)) fresh.delete(k);
        else duplicates.push(i);
      }
      if (duplicates.length > 0) throw new Duplicates(duplicates);
    }
    const effects = written.flatMap((i) => commits[i]!.effects);
    let claimed: (ClaimedEffect & { effect: Effect })[] = [];
    if (effects.length > 0) {
      const rows = await tx.query<{ tenant: string; key: string; claimed: boolean | string }>(
        `INSERT INTO kith_outbox (tenant, key, effect, available_at, due_seq, claimed_at)
         SELECT x->'e'->>'tenant', x->'e'->>'key', x->'e', (x->'e'->>'notBefore')::bigint,
           CASE WHEN (x->>'c')::boolean THEN NULL ELSE nextval('kith_outbox_due_seq') END,
           CASE WHEN (x->>'c')::boolean THEN now() END
         FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS t(x, i)
         ORDER BY i
         ON CONFLICT (tenant, key) DO NOTHING
         RETURNING tenant, key, due_seq IS NULL AS claimed`,
        [json(effects.map((e) => ({ e, c: claimDue && e.notBefore <= now })))],
      );
      const byKey = new Map(effects.map((e) => [pair(encText(e.tenant), encText(e.key)), e]));
      claimed = rows
        .filter((r) => r.claimed === true || String(r.claimed) === 'true')
        .map((r) => ({
          tenant: decText(r.tenant),
          key: decText(r.key),
          effect: byKey.get(pair(r.tenant, r.key))!,
        }));
    }
    if (this.keepFinished) {
      const finished = written.flatMap((i) => {
        const c = commits[i]!;
        return c.finished.map((f) => ({ t: c.tenant, m: c.state.id, f }));
      });
      if (finished.length > 0) {
        await tx.query(
          `INSERT INTO kith_finished_runs (tenant, member, instance)
           SELECT x->>'t', x->>'m', x->'f'
           FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS t(x, i)
           ORDER BY i`,
          [json(finished)],
        );
      }
    }
    return [written, claimed];
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
    if (this.seen !== undefined) return this.seen.call({ tenant, eventId });
    return (await this.hasEvents([{ tenant, eventId }]))[0]!;
  }

  private async hasEvents(keys: { tenant: string; eventId: string }[]): Promise<boolean[]> {
    const rows = await this.sql.query<{ tenant: string; event_id: string }>(
      `SELECT c.tenant, c.event_id FROM jsonb_array_elements($1::text::jsonb) AS j(x),
       LATERAL (SELECT tenant, event_id FROM kith_consumed_events
                WHERE tenant = x->>'t' AND event_id = x->>'e' LIMIT 1) c`,
      [json(keys.map((k) => ({ t: k.tenant, e: k.eventId })))],
    );
    const found = new Set(rows.map((r) => pair(r.tenant, r.event_id)));
    return keys.map((k) => found.has(pair(encText(k.tenant), encText(k.eventId))));
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
   * Claims one pending effect that is back in line (settled to pending, not yet claimed by
   * `dueEffects`) for this process, as a commit's claim is: not handed out by `dueEffects` or
   * `requeueClaimed` until `claimTimeoutMs` passes. False if it is not in line (another process
   * claimed it, or it was settled). For a process that waits out a short rate-limit pause itself.
   */
  async reclaimEffect(tenant: string, key: string): Promise<boolean> {
    const rows = await this.sql.query(
      `UPDATE kith_outbox SET due_seq = NULL, claimed_seq = NULL, claimed_at = now()
       WHERE tenant = $1 AND key = $2 AND status = 'pending' AND due_seq IS NOT NULL
       RETURNING 1 AS ok`,
      [encText(tenant), encText(key)],
    );
    return rows.length > 0;
  }

  /**
   * Puts back in line every effect claimed by `dueEffects` and never settled (its process died
   * mid-dispatch); returns how many. Run it when no dispatcher is running — with live workers it
   * would hand their in-flight effects out a second time (still at least once, same key).
   * `dueEffects` does this by itself for claims older than `claimTimeoutMs`.
   */
  async requeueClaimed(): Promise<number> {
    // claimed_seq NULL: claimed at commit (`onCommittedEffects`), never by `dueEffects`; its
    // process is delivering it, and its claim expires by itself if that process died
    const rows = await this.sql.query(
      `UPDATE kith_outbox SET due_seq = nextval('kith_outbox_due_seq'), claimed_at = NULL
       WHERE status = 'pending' AND due_seq IS NULL AND claimed_seq IS NOT NULL RETURNING 1 AS ok`,
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
    this.claimedHere.delete(JSON.stringify([tenant, key]));
    if (this.settles !== undefined) await this.settles.call({ tenant, key, u });
    else await this.settleEffects([{ tenant, key, u }]);
    if (u.status === 'pending') for (const l of this.listeners) l(u.availableAt);
  }

  /** Drops remembered claims too old to answer `getEffect` (their process never asked). */
  private forgetOldClaims(now: number): void {
    for (const [k, v] of this.claimedHere)
      if (now - v.at >= this.claimTimeoutMs / 2) this.claimedHere.delete(k);
  }

  private async settleEffects(
    items: { tenant: string; key: string; u: SettleUpdate }[],
  ): Promise<undefined[]> {
    // one key twice in a batch: a later settle must win, so it goes in a later statement
    for (const part of distinctParts(items, (x) => JSON.stringify([x.tenant, x.key]))) {
      await this.sql.query(
        `UPDATE kith_outbox o SET status = x->>'s', attempts = (x->>'a')::integer,
           available_at = (x->>'v')::bigint, last_error = x->>'l', settled_at = (x->>'d')::bigint,
           claimed_at = NULL,
           due_seq = CASE WHEN x->>'s' = 'pending' THEN nextval('kith_outbox_due_seq') ELSE NULL END
         FROM jsonb_array_elements($1::text::jsonb) AS j(x)
         WHERE o.tenant = x->>'t' AND o.key = x->>'k'`,
        [
          json(
            part.map(({ tenant, key, u }) => ({
              t: tenant,
              k: key,
              s: u.status,
              a: u.attempts,
              v: u.availableAt,
              l: u.lastError,
              d: u.settledAt,
            })),
          ),
        ],
      );
    }
    return items.map(() => undefined);
  }

  async getEffect(tenant: string, key: string): Promise<OutboxEntry | undefined> {
    const k = JSON.stringify([tenant, key]);
    const mine = this.claimedHere.get(k);
    if (mine !== undefined) {
      this.claimedHere.delete(k);
      // as inserted; a claim this old may have expired and been handed out since: read it
      if (Date.now() - mine.at < this.claimTimeoutMs / 2) {
        return {
          effect: mine.effect,
          status: 'pending',
          attempts: 0,
          availableAt: mine.effect.notBefore,
          lastError: null,
          settledAt: null,
        };
      }
    }
    if (this.effectReads !== undefined) return this.effectReads.call({ tenant, key });
    return (await this.getEffects([{ tenant, key }]))[0];
  }

  private async getEffects(keys: { tenant: string; key: string }[]): Promise<(OutboxEntry | undefined)[]> {
    const rows = await this.sql.query<OutboxRow & { tenant: string; key: string }>(
      `SELECT o.tenant, o.key, ${OUTBOX_COLUMNS} FROM jsonb_array_elements($1::text::jsonb) AS j(x),
       LATERAL (SELECT * FROM kith_outbox WHERE tenant = x->>'t' AND key = x->>'k' LIMIT 1) o`,
      [json(keys.map((k) => ({ t: k.tenant, k: k.key })))],
    );
    const byKey = new Map(rows.map((r) => [pair(r.tenant, r.key), r]));
    return keys.map((k) => {
      const row = byKey.get(pair(encText(k.tenant), encText(k.key)));
      return row === undefined ? undefined : entry(row);
    });
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

  /**
   * Claims up to `limit` pending events of a tenant for `leaseMs`, oldest first, keeping each
   * member's events in order across concurrent claimers (see `Inbox.claim`). The caller runs them,
   * then calls `settleInbound`; a claim whose worker died expires after `leaseMs`.
   */
  claimInbound(
    tenant: string,
    limit: number,
    leaseMs: number,
  ): Promise<{ events: (EventInput & { id: string })[]; blocked: boolean }> {
    return this.inbox.claim(tenant, limit, leaseMs);
  }

  /** Ends a claim: `done` events are marked done, `released` ones can be claimed again at once. */
  settleInbound(tenant: string, done: readonly string[], released: readonly string[]): Promise<void> {
    return this.inbox.settle(tenant, done, released);
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

  /** The member with this address on a channel instance (an inbound webhook's member), if any. */
  findMemberByIdentity(tenant: string, channel: string, address: string): Promise<string | undefined> {
    return findMemberByIdentity(this.sql, tenant, channel, address);
  }

  /** Where a tenant's members are now (the live view's counts), counted in the database. */
  memberTallies(tenant: string): Promise<MemberTallies> {
    return memberTallies(this.sql, tenant);
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
