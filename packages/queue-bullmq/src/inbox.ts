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
}

/**
 * The inbox in memory, for tests and single-process tools: the same contract as the SQL one,
 * nothing survives the process.
 */
export class MemoryEventInbox implements EventInbox {
  private readonly events = new Map<string, { tenant: string; event: InboundEvent; done: boolean }>();

  async saveInbound(tenant: string, event: InboundEvent): Promise<boolean> {
    const k = `${tenant}\u0000${event.id}`;
    if (this.events.has(k)) return false;
    this.events.set(k, { tenant, event: structuredClone(event), done: false });
    return true;
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
