import type { EventInput } from '@kith/engine';

/** An event as the API received it, with the id the client gave it. */
export type InboundEvent = EventInput & { id: string };

/** A saved event not yet ingested: what a job carries (the store holds the payload). */
export interface InboundRef {
  tenant: string;
  id: string;
}

/**
 * Where the API process keeps incoming events until a worker has ingested them (the SQL store's
 * event inbox): the queue carries only (tenant, id), so a lost job loses no event.
 */
export interface EventInbox {
  /** Saves an event; false if that (tenant, id) was already saved. */
  saveInbound(tenant: string, event: InboundEvent): Promise<boolean>;
  loadInbound(tenant: string, id: string): Promise<InboundEvent | undefined>;
  markInboundDone(tenant: string, id: string): Promise<void>;
  /** Saved and not done, oldest first: to enqueue again after a crash or a Redis loss. */
  pendingInbound(limit: number): Promise<InboundRef[]>;
  /**
   * Claims up to `limit` pending events of a tenant, oldest first, for `leaseMs`: concurrent
   * claimers get different events, a claim whose worker died expires after `leaseMs`, and an
   * event is not handed out while an earlier event of the same member is pending outside this
   * claim (so each member's events run in order). `blocked`: events were held back for that reason.
   */
  claimInbound(tenant: string, limit: number, leaseMs: number): Promise<InboundClaim>;
  /** Ends a claim: `done` events are marked done, `released` ones can be claimed again at once. */
  settleInbound(tenant: string, done: readonly string[], released: readonly string[]): Promise<void>;
}

export interface InboundClaim {
  /** Oldest first. */
  events: InboundEvent[];
  blocked: boolean;
}

/**
 * The inbox in memory, for tests and single-process tools: the same contract as the SQL one,
 * nothing survives the process.
 */
export class MemoryEventInbox implements EventInbox {
  private readonly events = new Map<
    string,
    { tenant: string; event: InboundEvent; done: boolean; claimedUntil: number }
  >();

  async saveInbound(tenant: string, event: InboundEvent): Promise<boolean> {
    const k = `${tenant}\u0000${event.id}`;
    if (this.events.has(k)) return false;
    this.events.set(k, { tenant, event: structuredClone(event), done: false, claimedUntil: 0 });
    return true;
  }

  async claimInbound(tenant: string, limit: number, leaseMs: number): Promise<InboundClaim> {
    const now = Date.now();
    const candidates = [...this.events.values()]
      .filter((e) => e.tenant === tenant && !e.done && e.claimedUntil <= now)
      .slice(0, limit);
    const inClaim = new Set(candidates);
    // members with a pending event outside this claim that comes before one of the candidates
    const held = new Set<string>();
    const events: InboundEvent[] = [];
    for (const e of this.events.values()) {
      if (e.tenant !== tenant || e.done) continue;
      const member = e.event.member;
      if (inClaim.has(e)) {
        if (typeof member === 'string' && held.has(member)) continue;
        e.claimedUntil = now + leaseMs;
        events.push(structuredClone(e.event));
      } else if (typeof member === 'string') held.add(member);
    }
    return { events, blocked: events.length < candidates.length };
  }

  async settleInbound(tenant: string, done: readonly string[], released: readonly string[]): Promise<void> {
    for (const id of done) {
      const e = this.events.get(`${tenant}\u0000${id}`);
      if (e !== undefined) e.done = true;
    }
    for (const id of released) {
      const e = this.events.get(`${tenant}\u0000${id}`);
      if (e !== undefined) e.claimedUntil = 0;
    }
  }

  async loadInbound(tenant: string, id: string): Promise<InboundEvent | undefined> {
    const e = this.events.get(`${tenant}\u0000${id}`);
    return e === undefined ? undefined : structuredClone(e.event);
  }

  async markInboundDone(tenant: string, id: string): Promise<void> {
    const e = this.events.get(`${tenant}\u0000${id}`);
    if (e !== undefined) e.done = true;
  }

  async pendingInbound(limit: number): Promise<InboundRef[]> {
    const out: InboundRef[] = [];
    for (const e of this.events.values()) {
      if (out.length >= limit) break;
      if (!e.done) out.push({ tenant: e.tenant, id: e.event.id });
    }
    return out;
  }
}
