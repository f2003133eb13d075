import type { Effect, OutboxEntry } from '../model/effect.js';
import type { JourneyInstance } from '../model/instance.js';
import type { MemberState } from '../model/member.js';
import type {
  CommitResult,
  ImmediateMembers,
  MemberCommit,
  PublishedVersion,
  SettleUpdate,
  Store,
} from '../ports/store.js';
import { MinHeap } from '../util/heap.js';

export interface MemoryStoreOptions {
  /**
   * Copy state on every load and commit, as a database would. Off by default: a single runtime
   * serialises each member's work, so it may hand out the live object (no copying — the fast path
   * simulations need). Turn it on when several runtimes share one store, like workers sharing
   * PostgreSQL.
   */
  isolate?: boolean;
  /** Keep finished journey runs (tests, the editor); off for large simulations. */
  keepFinished?: boolean;
}

/** An outbox entry and the sequence number of its live heap item (older items are stale). */
interface Row {
  entry: OutboxEntry;
  seq: number;
}

interface Due {
  at: number;
  seq: number;
  row: Row;
}

const clone: <T>(v: T) => T = (v) => structuredClone(v);

/** The whole Store in memory: tests, simulation, and a reference for store-sql. */
export class MemoryStore implements Store, ImmediateMembers {
  private readonly isolate: boolean;
  private readonly keepFinished: boolean;
  private readonly members = new Map<string, Map<string, MemberState>>();
  private readonly events = new Map<string, Set<string>>();
  private readonly outbox = new Map<string, Map<string, Row>>();
  private readonly dueHeap = new MinHeap<Due>();
  private seq = 0;
  /**
   * Shared records by tenant, then namespace: two look-ups of strings V8 has hashed already
   * (services call this for nearly every input), not one of a key concatenated and hashed anew.
   */
  private readonly shared = new Map<string, Map<string, Map<string, unknown>>>();

  private sharedRecords(tenant: string, namespace: string): Map<string, unknown> | undefined {
    return this.shared.get(tenant)?.get(namespace);
  }

  /** Forgets a shared record: for a subclass that can prove nothing will read it again. */
  protected dropShared(tenant: string, namespace: string, key: string): void {
    this.sharedRecords(tenant, namespace)?.delete(key);
  }

  private readonly published = new Map<string, PublishedVersion[]>();
  readonly finished = new Map<string, JourneyInstance[]>();

  constructor(options: MemoryStoreOptions = {}) {
    this.isolate = options.isolate ?? false;
    this.keepFinished = options.keepFinished ?? true;
  }

  private tenantMembers(tenant: string): Map<string, MemberState> {
    let m = this.members.get(tenant);
    if (m === undefined) {
      m = new Map();
      this.members.set(tenant, m);
    }
    return m;
  }

  private seen(tenant: string): Set<string> {
    let s = this.events.get(tenant);
    if (s === undefined) {
      s = new Set();
      this.events.set(tenant, s);
    }
    return s;
  }

  async loadMember(tenant: string, member: string): Promise<MemberState | undefined> {
    return this.loadMemberNow(tenant, member);
  }

  loadMemberNow(tenant: string, member: string): MemberState | undefined {
    const s = this.members.get(tenant)?.get(member);
    return s === undefined || !this.isolate ? s : clone(s);
  }

  async commitMember(c: MemberCommit): Promise<CommitResult> {
    return this.commitMemberNow(c);
  }

  commitMemberNow(c: MemberCommit): CommitResult {
    const members = this.tenantMembers(c.tenant);
    const current = members.get(c.state.id);
    if ((current?.rev ?? 0) !== c.expectedRev) return 'conflict';
    if (c.eventId !== null) {
      const seen = this.seen(c.tenant);
      if (seen.has(c.eventId)) return 'duplicate';
      seen.add(c.eventId);
    }
    c.state.rev = c.expectedRev + 1;
    members.set(c.state.id, this.isolate ? clone(c.state) : c.state);
    for (const e of c.effects) this.enqueue(e);
    if (this.keepFinished && c.finished.length > 0) {
      let list = this.finished.get(c.tenant);
      if (list === undefined) {
        list = [];
        this.finished.set(c.tenant, list);
      }
      for (const f of c.finished) list.push(this.isolate ? clone(f) : f);
    }
    return 'ok';
  }

  async enqueueEffects(effects: readonly Effect[]): Promise<void> {
    for (const e of effects) this.enqueue(e);
  }

  private rows(tenant: string): Map<string, Row> {
    let m = this.outbox.get(tenant);
    if (m === undefined) {
      m = new Map();
      this.outbox.set(tenant, m);
    }
    return m;
  }

  private enqueue(effect: Effect): void {
    const rows = this.rows(effect.tenant);
    // the same idempotency key twice (a replayed input) is one effect
    if (rows.has(effect.key)) return;
    const row: Row = {
      entry: {
        effect,
        status: 'pending',
        attempts: 0,
        availableAt: effect.notBefore,
        lastError: null,
        settledAt: null,
      },
      seq: 0,
    };
    rows.set(effect.key, row);
    this.pushDue(row, effect.notBefore);
  }

  private pushDue(row: Row, at: number): void {
    row.seq = this.seq++;
    this.dueHeap.push({ at, seq: row.seq, row });
  }

  private live(d: Due): boolean {
    return d.row.seq === d.seq && d.row.entry.status === 'pending';
  }

  async consumeEvent(tenant: string, eventId: string): Promise<boolean> {
    const seen = this.seen(tenant);
    if (seen.has(eventId)) return false;
    seen.add(eventId);
    return true;
  }

  async hasEvent(tenant: string, eventId: string): Promise<boolean> {
    return this.hasEventNow(tenant, eventId);
  }

  hasEventNow(tenant: string, eventId: string): boolean {
    return this.events.get(tenant)?.has(eventId) ?? false;
  }

  async *memberIds(tenant: string): AsyncIterable<string> {
    yield* this.memberIdsNow(tenant);
  }

  memberIdsNow(tenant: string): string[] {
    return [...(this.members.get(tenant)?.keys() ?? [])];
  }

  memberCount(tenant: string): number {
    return this.members.get(tenant)?.size ?? 0;
  }

  async dueEffects(now: number, limit: number): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    while (out.length < limit) {
      const top = this.dueHeap.peek();
      if (top === undefined || top.at > now) break;
      this.dueHeap.pop();
      if (!this.live(top)) continue;
      top.row.seq = -1;
      out.push(top.row.entry);
    }
    return out;
  }

  async nextEffectAt(): Promise<number | undefined> {
    return this.nextEffectAtNow();
  }

  nextEffectAtNow(): number | undefined {
    for (;;) {
      const top = this.dueHeap.peek();
      if (top === undefined) return undefined;
      if (this.live(top)) return top.at;
      this.dueHeap.pop();
    }
  }

  async settleEffect(tenant: string, key: string, u: SettleUpdate): Promise<void> {
    const row = this.outbox.get(tenant)?.get(key);
    if (row === undefined) return;
    const entry = row.entry;
    entry.status = u.status;
    entry.attempts = u.attempts;
    entry.availableAt = u.availableAt;
    entry.lastError = u.lastError;
    entry.settledAt = u.settledAt;
    if (u.status === 'pending') this.pushDue(row, u.availableAt);
  }

  async getEffect(tenant: string, key: string): Promise<OutboxEntry | undefined> {
    return this.outbox.get(tenant)?.get(key)?.entry;
  }

  async deadLetters(tenant: string): Promise<OutboxEntry[]> {
    return this.outboxOf(tenant).filter((e) => e.status === 'dead');
  }

  /** Every outbox entry of a tenant, in insertion order (tests, the editor). */
  outboxOf(tenant: string): OutboxEntry[] {
    return [...(this.outbox.get(tenant)?.values() ?? [])].map((r) => r.entry);
  }

  async readShared<T>(tenant: string, namespace: string, key: string): Promise<T | undefined> {
    return this.sharedRecords(tenant, namespace)?.get(key) as T | undefined;
  }

  async updateShared<T>(
    tenant: string,
    namespace: string,
    key: string,
    update: (current: T | undefined) => T,
  ): Promise<T> {
    let byNamespace = this.shared.get(tenant);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.shared.set(tenant, byNamespace);
    }
    let records = byNamespace.get(namespace);
    if (records === undefined) {
      records = new Map();
      byNamespace.set(namespace, records);
    }
    // synchronous read-modify-write: atomic in a single JavaScript thread
    const next = update(records.get(key) as T | undefined);
    records.set(key, next);
    return next;
  }

  async *listShared<T>(tenant: string, namespace: string): AsyncIterable<[string, T]> {
    // a snapshot of the keys: records written while the caller iterates do not disturb it
    const records = this.sharedRecords(tenant, namespace);
    for (const key of [...(records?.keys() ?? [])]) yield [key, records?.get(key) as T];
  }

  async savePublished(tenant: string, version: PublishedVersion): Promise<void> {
    const list = this.published.get(tenant) ?? [];
    list.push(this.isolate ? clone(version) : version);
    this.published.set(tenant, list);
  }

  async listPublished(tenant: string): Promise<PublishedVersion[]> {
    return [...(this.published.get(tenant) ?? [])];
  }
}
