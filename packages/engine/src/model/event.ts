/** An event as the engine sees it: always with a tenant, an id, a type and a time. */
export interface KithEvent {
  tenant: string;
  /** Unique per tenant; ingesting the same (tenant, id) twice has no second effect. */
  id: string;
  /** Dotted name: `member.joined`, `payment.succeeded`, `lead.qualified`. */
  type: string;
  /** The member it is about; null for community-level events (`group.opened`). */
  member: string | null;
  /** When it happened, epoch milliseconds. */
  at: number;
  data: Readonly<Record<string, unknown>>;
}

/** An event handed to the runtime: `at` defaults to the clock, `data` to `{}`. */
export interface EventInput {
  tenant: string;
  id: string;
  type: string;
  member?: string | null;
  at?: number;
  data?: Record<string, unknown>;
}

/**
 * What `event` is in expressions and templates: the data with `type`, `id` and `at` beside it,
 * so that playbooks write `event.offer`, not `event.data.offer`. Built once per event.
 */
export type EventView = Readonly<Record<string, unknown>>;

export function eventView(e: KithEvent): EventView {
  // Object.assign, then the engine's fields again (they win over data keys of the same name):
  // an object spread here is ~20x slower in V8, and this runs once per event.
  const v: Record<string, unknown> = Object.assign(
    { type: e.type, id: e.id, at: e.at, member: e.member },
    e.data,
  );
  v.type = e.type;
  v.id = e.id;
  v.at = e.at;
  v.member = e.member;
  return v;
}

/** Event types the engine itself understands (plugins and mechanics send or emit them). */
export const EVENTS = {
  memberJoined: 'member.joined',
  memberUpdated: 'member.updated',
  memberLeft: 'member.left',
  /** data: `{ channel }` — the member opted out of that channel (an email unsubscribe link). */
  memberUnsubscribed: 'member.unsubscribed',
  messageReceived: 'message.received',
  buttonClicked: 'button.clicked',
  paymentSucceeded: 'payment.succeeded',
  paymentRefunded: 'payment.refunded',
  groupOpened: 'group.opened',
  groupAssigned: 'group.assigned',
  referralJoined: 'referral.joined',
  introduced: 'introduction.made',
  stageReached: 'stage.reached',
  stageLeft: 'stage.left',
  tierChanged: 'tier.changed',
  goalReached: 'goal.reached',
  orderCreated: 'order.created',
} as const;
