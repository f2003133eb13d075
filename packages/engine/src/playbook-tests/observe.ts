import type { Outcome } from '../kernel/outcome.js';
import type { CommunityOutput, Mechanic, ServiceHandler } from '../mechanics/types.js';

/** An event something other than the test emitted: what `expect.events` looks at. */
export interface SeenEvent {
  type: string;
  member: string | null;
  at: number;
}

/**
 * Records every event the playbook run emits. Members' outcomes come through the runtime's
 * observer; events a mechanic sends from a shared-state service or at community level (a ritual
 * announcing itself, a campaign settling) never pass through a member's outcome, so the
 * mechanics are wrapped to see those too.
 */
export class EventLog {
  readonly events: SeenEvent[] = [];

  constructor(private readonly now: () => number) {}

  readonly observer = (_tenant: string, _member: string, out: Outcome): void => {
    for (const e of out.events) this.events.push({ type: e.type, member: e.member, at: e.at });
  };

  /** The same mechanic, with its service forwards and community events recorded. */
  wrap(m: Mechanic): Mechanic {
    const wrapped: Mechanic = Object.assign(Object.create(Object.getPrototypeOf(m) as object) as Mechanic, m);
    const note = (out: CommunityOutput | undefined) => {
      for (const e of out?.events ?? []) this.events.push({ type: e.type, member: e.member, at: this.now() });
      return out;
    };
    const { onSchedule, onCommunityEvent, services } = m;
    if (onSchedule !== undefined)
      Object.assign(wrapped, {
        onSchedule: (...a: Parameters<typeof onSchedule>) => note(onSchedule.apply(m, a)),
      });
    if (onCommunityEvent !== undefined)
      Object.assign(wrapped, {
        onCommunityEvent: (...a: Parameters<typeof onCommunityEvent>) => note(onCommunityEvent.apply(m, a)),
      });
    if (services !== undefined) {
      const seen: Record<string, ServiceHandler> = {};
      for (const [name, handler] of Object.entries(services)) {
        seen[name] = (req, env) =>
          handler(req, {
            ...env,
            forward: (e) => {
              this.events.push({ type: e.type, member: e.member, at: env.now });
              env.forward(e);
            },
          });
      }
      Object.assign(wrapped, { services: seen });
    }
    return wrapped;
  }
}
