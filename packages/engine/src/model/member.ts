import { Interner } from '../util/intern.js';
import type { JourneyInstance } from './instance.js';

/**
 * The member profile: what playbooks read as `member` in expressions and templates — exactly the
 * fields the validator knows (MEMBER_FIELDS in @kith/playbook). A plain, JSON-serialisable object
 * (the expression language reads only plain objects); engine bookkeeping lives in MemberState.
 */
export interface MemberProfile {
  id: string;
  name: string | null;
  locale: string | null;
  /** IANA zone; quiet hours and `wait: { until }` use it, else the playbook's. */
  timezone: string | null;
  /** Channel instance id → the member's address on it (chat user id, e-mail). */
  identities: Record<string, string>;
  tier: string;
  /** The stage reached; null only for a playbook without stages. */
  stage: string | null;
  tags: string[];
  badges: string[];
  attributes: Record<string, unknown>;
  points: number;
  /** Streak name → current length (rituals maintain them). */
  streaks: Record<string, number>;
  /** Check-ins made (rituals maintain them). */
  checkins: number;
  referrer: string | null;
  /** Members who joined through this member directly. */
  referrals: number;
  /** Members who joined through this member at any depth (the referral mechanic maintains it). */
  referralsTotal: number;
  inviteCode: string | null;
  inviteLink: string | null;
  /** Group pool id → group id. */
  groups: Record<string, string>;
  /** Messages the member wrote in the community. */
  messages: number;
  lastActiveAt: number | null;
  joinedAt: number | null;
  /** Money paid, minor units (an integer, never a float). */
  spent: number;
  /** Paid orders. */
  orders: number;
  goals: string[];
  /** Where the member came from (an entry's `source`). */
  source: string | null;
  strikes: number;
  covenantAccepted: boolean;
}

/** `partially-refunded` still counts as paid (in `orders`); `spent` is net of every refund. */
export type OrderStatus = 'pending' | 'paid' | 'partially-refunded' | 'refunded' | 'cancelled';

export interface Order {
  id: string;
  offer: string;
  /** Minor units; the tier price at the moment the order was created. */
  amount: number;
  currency: string;
  tier: string;
  status: OrderStatus;
  createdAt: number;
  paidAt: number | null;
  /** The provider's id of the payment that paid it (a refund of another charge is not this order's). */
  payment: string | null;
  /** Minor units refunded so far (partial refunds add up). */
  refunded: number;
  /** Refund ids already applied: the same refund notified twice counts once. */
  refunds: string[];
  instance: string | null;
  step: string | null;
}

/** Entry bookkeeping for one (member, journey, entry key): what re-entry rules decide on. */
export interface EntryRecord {
  runs: number;
  lastEnteredAt: number;
  lastExitedAt: number | null;
  /** Id of the run still in progress, if any. */
  active: string | null;
}

/**
 * An event or resume kept because no wait took it yet: the fix for "a resume that arrives
 * before its wait was saved". A wait entered later takes it if it arrived after the wait began.
 */
export interface InboxItem {
  /** A resume addressed to one wait, by its token. */
  token: string | null;
  type: string;
  at: number;
  event: Readonly<Record<string, unknown>>;
}

/** Everything the engine keeps per member; the unit of one atomic commit. */
export interface MemberState {
  tenant: string;
  id: string;
  /** Bumped by every commit; a commit from a stale read is rejected. */
  rev: number;
  profile: MemberProfile;
  /** Every stage ever reached, in the order reached. */
  stagesReached: string[];
  /** Messages sent to the member. */
  sent: number;
  leftAt: number | null;
  /** The referrer's display name, for `{{ referrer.name }}`. */
  referrerName: string | null;
  /** Journey runs in progress. */
  instances: JourneyInstance[];
  /** `journey \u0000 entryKey` → entry record. */
  entries: Record<string, EntryRecord>;
  orders: Record<string, Order>;
  /** Times of recent direct messages (including deferred ones), ascending: frequency caps. */
  sendLog: number[];
  /** Remembered conditions: segment membership, thresholds reached, index signatures. */
  marks: Record<string, string>;
  inbox: InboxItem[];
  /** Set by a `tier` step: automatic demotion leaves a hand-set tier alone. */
  tierPinned: boolean;
  /** Private state of mechanics, by mechanic name. */
  mechanics: Record<string, unknown>;
  /**
   * Mechanic timers set and not yet fired, by `mechanic:name`: committed with the state (as a
   * wait's deadline is) so that `recover` re-arms them, and a stale or repeated firing is ignored.
   */
  mechanicTimers: Record<string, MechanicTimerRecord>;
}

export interface MechanicTimerRecord {
  at: number;
  data: Readonly<Record<string, unknown>> | null;
}

/**
 * A new member holds these shared, frozen empties until it first writes to a container (copy on
 * write): an empty member is a third of the size, which is what a million-member simulation
 * needs. Writers call `ownList` / `ownRecord` and assign the result back.
 */
const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze({});

/** The shared empty list (frozen): write through `ownList`. */
export function emptyList<T>(): T[] {
  return EMPTY_LIST as unknown as T[];
}

function emptyRecord<T>(): Record<string, T> {
  return EMPTY_RECORD as Record<string, T>;
}

/**
 * Where fresh lists are copied from, never written. A `[]` literal here would be one allocation
 * site for every list ownList makes, and V8 gives a site's later arrays the most general element
 * kind it has seen: once one list held objects (an inbox), every list of numbers (a send log)
 * would keep each number boxed, 24 bytes instead of 8. A copy starts with no such history.
 */
const SEED: never[] = [];

/** The list itself, or a fresh one in place of the shared empty: assign it back before writing. */
export function ownList<T>(list: T[]): T[] {
  return list === (EMPTY_LIST as unknown) ? SEED.slice() : list;
}

/**
 * A copy of a member's list with one more item, at its exact size: `push` on a small array makes
 * room for 16 more, and a member keeps its lists (stages reached, goals, tags) for its whole life —
 * a hundred bytes each, per member. For lists that rarely grow; assign the result back.
 */
export function appended<T>(list: readonly T[], item: T): T[] {
  // a loop, not `concat([item])`: five times faster on short lists, and run logs grow every step
  const n = list.length;
  const out = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) out[i] = list[i]!;
  out[n] = item;
  return out;
}

/**
 * Lists and small records that many members hold alike — the stages reached, goals, a group
 * placement, a streak, an attribute tuple, marks — can be shared: one frozen copy for everyone
 * with the same content instead of one each (50 to 100 bytes per member and value, a million
 * times over). Such values are only ever replaced, never written in place: these return the new
 * value to assign back (see `Interner`).
 */
const sharedLists = new Interner<readonly string[]>();
const sharedRecords = new Interner<Readonly<Record<string, unknown>>>();

/** `appended`, for a list of strings only ever replaced: the result is shared and frozen. */
export function appendedShared(list: readonly string[], item: string): string[] {
  let key = '';
  // lengths first: no two different lists can have the same key, whatever their strings hold
  for (const s of list) key += `${s.length}:${s}`;
  key += `${item.length}:${item}`;
  return (sharedLists.find(key) ?? sharedLists.keep(key, appended(list, item))) as string[];
}

/** A primitive's part of a record's sharing key; null for a value that is not shared. */
function valueKey(v: unknown): string | null {
  if (v === null) return 'z';
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      // -0 prints as 0: a record holding it is not shared with one holding 0
      return Object.is(v, -0) ? null : `n${v};`;
    case 'boolean':
      return v ? 't' : 'f';
    default:
      return null;
  }
}

function shared<T>(next: Record<string, T>): Record<string, T> {
  let key = '';
  for (const k in next) {
    const v = valueKey(next[k]);
    if (v === null) return next;
    key += `${k.length}:${k}${v}`;
  }
  return (sharedRecords.find(key) ?? sharedRecords.keep(key, next)) as Record<string, T>;
}

/**
 * A copy of a record with `key` set to `value` (in place if already there, else last, as an
 * assignment would): shared and frozen when every value is a string, number, boolean or null.
 */
export function withEntry<T>(record: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const next: Record<string, T> = {};
  for (const k in record) next[k] = record[k]!;
  next[key] = value;
  return shared(next);
}

/** A copy of a record without `key` (as `delete` leaves it), shared like `withEntry`'s. */
export function withoutEntry<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const next: Record<string, T> = {};
  for (const k in record) if (k !== key) next[k] = record[k]!;
  return shared(next);
}

/** The record itself, or a fresh one in place of the shared empty: assign it back before writing. */
export function ownRecord<T>(record: Record<string, T>): Record<string, T> {
  return record === (EMPTY_RECORD as unknown) ? {} : record;
}

export function newProfile(id: string): MemberProfile {
  return {
    id,
    name: null,
    locale: null,
    timezone: null,
    identities: emptyRecord(),
    tier: '',
    stage: null,
    tags: emptyList(),
    badges: emptyList(),
    attributes: emptyRecord(),
    points: 0,
    streaks: emptyRecord(),
    checkins: 0,
    referrer: null,
    referrals: 0,
    referralsTotal: 0,
    inviteCode: null,
    inviteLink: null,
    groups: emptyRecord(),
    messages: 0,
    lastActiveAt: null,
    joinedAt: null,
    spent: 0,
    orders: 0,
    goals: emptyList(),
    source: null,
    strikes: 0,
    covenantAccepted: false,
  };
}

export function newMemberState(tenant: string, id: string): MemberState {
  return {
    tenant,
    id,
    rev: 0,
    profile: newProfile(id),
    stagesReached: emptyList(),
    sent: 0,
    leftAt: null,
    referrerName: null,
    instances: emptyList(),
    entries: emptyRecord(),
    orders: emptyRecord(),
    sendLog: emptyList(),
    marks: emptyRecord(),
    inbox: emptyList(),
    tierPinned: false,
    mechanics: emptyRecord(),
    mechanicTimers: emptyRecord(),
  };
}

/** The tag a member carries after opting out of a channel; direct messages there are skipped. */
export function unsubscribedTag(channel: string): string {
  return `unsubscribed:${channel}`;
}
