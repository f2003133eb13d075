import type { Effect, OutboxEntry } from '../model/effect.js';
import type { JourneyInstance } from '../model/instance.js';
import type { MemberState } from '../model/member.js';

/** One member's atomic write: state, the event it consumed, new outbox effects, finished runs. */
export interface MemberCommit {
  tenant: string;
  state: MemberState;
  /** The revision the state was read at (0: a new member); a mismatch is a conflict. */
  expectedRev: number;
  /** The event this commit consumes; if it was already consumed, nothing is written. */
  eventId: string | null;
  effects: readonly Effect[];
  finished: readonly JourneyInstance[];
}

export type CommitResult = 'ok' | 'conflict' | 'duplicate';

export interface SettleUpdate {
  status: OutboxEntry['status'];
  attempts: number;
  availableAt: number;
  lastError: string | null;
  settledAt: number | null;
}

export interface PublishedVersion {
  version: string;
  publishedAt: number;
  /** The resolved playbook as JSON, to compile again after a restart. */
  playbook: unknown;
  params: Record<string, unknown>;
}

/**
 * Durable state. Member commits are atomic and optimistic (compare-and-set on `rev`) and carry
 * the consumed event id and the new outbox rows in the same transaction: that is what makes
 * state transitions exactly-once per event while effects are delivered at least once.
 */
export interface Store {
  loadMember(tenant: string, member: string): Promise<MemberState | undefined>;
  commitMember(commit: MemberCommit): Promise<CommitResult>;
  /** Adds community-level effects (no member) to the outbox; a key it already has is ignored. */
  enqueueEffects(effects: readonly Effect[]): Promise<void>;
  /** Marks a community-level event consumed; false if it already was. */
  consumeEvent(tenant: string, eventId: string): Promise<boolean>;
  hasEvent(tenant: string, eventId: string): Promise<boolean>;
  memberIds(tenant: string): AsyncIterable<string>;

  /** Pending effects due by `now`, oldest first. */
  dueEffects(now: number, limit: number): Promise<OutboxEntry[]>;
  /** When the next pending effect becomes due, if any. */
  nextEffectAt(): Promise<number | undefined>;
  settleEffect(tenant: string, key: string, update: SettleUpdate): Promise<void>;
  getEffect(tenant: string, key: string): Promise<OutboxEntry | undefined>;
  deadLetters(tenant: string): Promise<OutboxEntry[]>;

  /** Reads a shared record (group pools, introduction index, a mechanic's ledger). */
  readShared<T>(tenant: string, namespace: string, key: string): Promise<T | undefined>;
  /** Read-modify-write of a shared record, atomic per (tenant, namespace, key). */
  updateShared<T>(
    tenant: string,
    namespace: string,
    key: string,
    update: (current: T | undefined) => T,
  ): Promise<T>;
  /** Every shared record of a namespace, in no particular order (reports over a mechanic's ledger). */
  listShared<T>(tenant: string, namespace: string): AsyncIterable<[key: string, value: T]>;

  savePublished(tenant: string, version: PublishedVersion): Promise<void>;
  listPublished(tenant: string): Promise<PublishedVersion[]>;
}

/**
 * What an in-memory Store can also do at once, without a promise: the member operations of one
 * input. Given to the Runtime (`RuntimeOptions.immediate`) by a host that owns both (the
 * simulator), it lets an input that calls no service run from load to commit synchronously.
 * Each method must do exactly what its asynchronous counterpart does.
 */
export interface ImmediateMembers {
  loadMemberNow(tenant: string, member: string): MemberState | undefined;
  hasEventNow(tenant: string, eventId: string): boolean;
  commitMemberNow(commit: MemberCommit): CommitResult;
  /** The members, as `memberIds` lists them: a list of the caller's own (members may join while it walks it). */
  memberIdsNow(tenant: string): readonly string[];
  /** As `nextEffectAt`: when the earliest pending outbox effect is due, if any. */
  nextEffectAtNow(): number | undefined;
}
