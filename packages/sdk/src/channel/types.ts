import type { PluginContext } from '../context/types.js';
import type { MessageButton } from '../engine.js';
import type { WebhookHandler } from '../webhook/types.js';

/** Who a channel can address: one member directly, or a group chat. */
export type ChannelTarget = 'member' | 'group';
/** What a channel renders beyond plain text; the editor warns when a playbook uses more. */
export type ChannelFormat = 'buttons' | 'html' | 'image' | 'subject';

/**
 * The recipient in channel terms. The host resolves the engine's `Recipient` (a referrer becomes
 * a member, a group without an id is refused) before the plugin sees it.
 */
export type OutboundRecipient =
  | {
      kind: 'member';
      /** The Kith member id. */
      member: string;
      /** The member's address on this channel (chat id, email); null when unknown. */
      address: string | null;
    }
  | {
      kind: 'group';
      /** The group id as the channel knows it (from `createGroup` or configured). */
      group: string;
      pool: string | null;
    };

export interface OutboundMessage {
  to: OutboundRecipient;
  text: string;
  subject: string | null;
  html: string | null;
  image: string | null;
  buttons: readonly MessageButton[];
}

export interface SendResult {
  /** The provider's id for the message (for replies, edits, support tickets). */
  providerMessageId: string;
}

export interface InviteRequest {
  /** The member the invite is for or from, when known. */
  member: string | null;
  /** The group to join, for channels with groups. */
  group: string | null;
  /**
   * Who gets credit when someone joins through it (`referrer`, `campaign`, `source`). The plugin
   * keeps it with the code and hands the code back on `member.joined` (`data.invite`).
   */
  attribution: Readonly<Record<string, string>>;
}

export interface Invite {
  url: string;
  code: string;
}

export interface GroupMember {
  member: string;
  address: string | null;
}

export interface CreateGroupRequest {
  /** Kith's id for the group; map it to the provider's id in `ctx.kv` if they differ. */
  group: string;
  name: string;
  members: readonly GroupMember[];
}

export interface CreatedGroup {
  providerGroupId: string;
  /** A join link, when the provider gives one. */
  url: string | null;
}

export interface MembershipRequest {
  group: string;
  member: string;
  address: string | null;
}

export interface MuteRequest extends MembershipRequest {
  /** Until when (epoch ms); null for "until unmuted". */
  untilMs: number | null;
}

/**
 * A channel: how members are reached. `send` and `createInvite` are required; group management
 * is optional (Telegram bots cannot create groups, WeCom robots cannot add members); `webhook`
 * brings members' actions back in as normalised events.
 */
export interface ChannelCapability<C> {
  targets: readonly ChannelTarget[];
  formats?: readonly ChannelFormat[];
  send(ctx: PluginContext<C>, message: OutboundMessage): Promise<SendResult>;
  createInvite(ctx: PluginContext<C>, request: InviteRequest): Promise<Invite>;
  createGroup?(ctx: PluginContext<C>, request: CreateGroupRequest): Promise<CreatedGroup>;
  addMember?(ctx: PluginContext<C>, request: MembershipRequest): Promise<void>;
  removeMember?(ctx: PluginContext<C>, request: MembershipRequest): Promise<void>;
  muteMember?(ctx: PluginContext<C>, request: MuteRequest): Promise<void>;
  webhook?: WebhookHandler<C>;
}

/** Event types channels emit, with the `data` fields each carries by convention. */
export const CHANNEL_EVENTS = {
  /** data: `{ invite: code | null }` — the invite code the member joined through. */
  memberJoined: 'member.joined',
  /** data: `{}` */
  memberLeft: 'member.left',
  /** data: `{ text, messageId }` */
  messageReceived: 'message.received',
  /** data: `{ value, messageId }` — the button's `value` as sent. */
  buttonClicked: 'button.clicked',
} as const;

/**
 * A stable event id from the provider's own identifiers: `inboundEventId('update', 81234)` →
 * `update:81234`. Never include the clock or randomness: a redelivered webhook must produce the
 * same id so the engine ingests it once.
 */
export function inboundEventId(...parts: readonly (string | number)[]): string {
  if (parts.length === 0) throw new TypeError('inboundEventId needs at least one provider identifier');
  return parts.map((p) => String(p).replaceAll(':', '%3A')).join(':');
}
