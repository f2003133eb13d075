import type { Activity, ActivityBus } from '../contract.js';

/** The in-process bus, with the counts a live view and its tests need. */
export interface LiveBus extends ActivityBus {
  /** Whether anyone listens to this tenant: producers skip building activity nobody reads. */
  has(tenant: string): boolean;
  /** Listeners of a tenant (an SSE stream that disconnected must not stay counted). */
  listeners(tenant: string): number;
}

type Listener = (a: Activity) => void;

/**
 * Activity fan-out inside one process, by tenant. A listener that throws is skipped, never lets
 * the publisher fail: the Runtime's observer publishes here and must not throw.
 */
export function createActivityBus(): LiveBus {
  const byTenant = new Map<string, Set<Listener>>();
  return {
    publish(a) {
      const set = byTenant.get(a.tenant);
      if (set === undefined) return;
      for (const listener of [...set]) {
        try {
          listener(a);
        } catch {
          // one broken stream must not starve the others
        }
      }
    },
    subscribe(tenant, listener) {
      let set = byTenant.get(tenant);
      if (set === undefined) {
        set = new Set();
        byTenant.set(tenant, set);
      }
      set.add(listener);
      return () => {
        const current = byTenant.get(tenant);
        if (current === undefined) return;
        current.delete(listener);
        if (current.size === 0) byTenant.delete(tenant);
      };
    },
    has(tenant) {
      return byTenant.has(tenant);
    },
    listeners(tenant) {
      return byTenant.get(tenant)?.size ?? 0;
    },
  };
}
