import type { WebhookRequest } from '@kith/sdk';
import { webhookRequest } from '@kith/sdk/webhook';
import { SIGNATURE_HEADER, signSandbox, TIMESTAMP_HEADER } from './signing.js';
import { joinGroup, nextId, type SandboxState } from './state.js';

/** What a member did, as the sandbox reports it to the plugin's webhook (the JSON body). */
export interface SandboxActivity {
  /** The sandbox's event id: the same on every redelivery of this activity. */
  id: string;
  type: 'member.joined' | 'member.left' | 'message.received' | 'button.clicked';
  at: number;
  address: string;
  name: string | null;
  group: string | null;
  text?: string;
  value?: string;
  invite?: string | null;
  /** The invite's attribution, when the member joined through one. */
  attribution?: Record<string, string> | null;
  messageId?: string;
}

export interface ActivityOptions {
  state: SandboxState;
  signingSecret: string;
  now: () => number;
  /** Called with each request a simulated member produces (the demo forwards it to the server). */
  onInbound?: (request: WebhookRequest) => void | Promise<void>;
}

/** A member of the simulated community: each act returns the signed webhook the sandbox sends. */
export interface SimulatedMember {
  readonly address: string;
  reply(text: string, options?: { group?: string | null }): Promise<WebhookRequest>;
  click(value: string, options?: { messageId?: string; group?: string | null }): Promise<WebhookRequest>;
  /** Joins through an invite code (its group, if any) or straight into `group`; null when the group is full. */
  join(options?: { invite?: string | null; group?: string | null }): Promise<WebhookRequest | null>;
  leave(options?: { group?: string | null }): Promise<WebhookRequest>;
}

/** Builds the signed request for an activity (also used to re-send the same one: a redelivery). */
export function activityRequest(
  activity: SandboxActivity,
  signingSecret: string,
  now: number,
): WebhookRequest {
  const body = JSON.stringify(activity);
  return webhookRequest({
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: String(now),
      [SIGNATURE_HEADER]: signSandbox(signingSecret, now, body),
    },
    body,
  });
}

export function createActivity(o: ActivityOptions) {
  async function emit(a: Omit<SandboxActivity, 'id' | 'at' | 'name'>): Promise<WebhookRequest> {
    const activity: SandboxActivity = {
      id: nextId(o.state, 'evt'),
      at: o.now(),
      name: o.state.names.get(a.address) ?? null,
      ...a,
    };
    const request = activityRequest(activity, o.signingSecret, o.now());
    await o.onInbound?.(request);
    return request;
  }

  return function member(address: string, name?: string): SimulatedMember {
    if (name !== undefined) o.state.names.set(address, name);
    return {
      address,
      reply: (text, opts = {}) =>
        emit({ type: 'message.received', address, group: opts.group ?? null, text }),
      click: (value, opts = {}) =>
        emit({
          type: 'button.clicked',
          address,
          group: opts.group ?? null,
          value,
          messageId: opts.messageId,
        }),
      async join(opts = {}) {
        const invite = opts.invite ? o.state.invites.get(opts.invite) : undefined;
        const groupId = opts.group ?? invite?.group ?? null;
        if (groupId !== null) {
          const group = o.state.groups.get(groupId);
          if (group !== undefined && !joinGroup(group, address)) return null;
        }
        return emit({
          type: 'member.joined',
          address,
          group: groupId,
          invite: opts.invite ?? null,
          attribution: invite?.attribution ?? null,
        });
      },
      async leave(opts = {}) {
        const g = opts.group ? o.state.groups.get(opts.group) : undefined;
        if (g !== undefined) g.members = g.members.filter((m) => m !== address);
        return emit({ type: 'member.left', address, group: opts.group ?? null });
      },
    };
  };
}
