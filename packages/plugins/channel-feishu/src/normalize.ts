import { CHANNEL_EVENTS, type InboundEvent, inboundEventId } from '@kith/sdk';
import {
  type ChatMemberEvent,
  EVENT_TYPES,
  type EventEnvelope,
  type FeishuUserId,
  type MessageReceiveEvent,
} from './events.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A text message's words: the `text` of its JSON content, without Feishu's @-mention placeholders. */
function textOf(m: NonNullable<MessageReceiveEvent['message']>): string {
  if (m.message_type !== 'text' || m.content === undefined) return '';
  try {
    const text = (JSON.parse(m.content) as { text?: unknown }).text;
    return typeof text === 'string' ? text.replace(/@_user_\d+/g, '').trim() : '';
  } catch {
    return '';
  }
}

function ids(u: FeishuUserId | undefined) {
  return { openId: str(u?.open_id), unionId: str(u?.union_id), userId: str(u?.user_id) };
}

function messageReceived(env: EventEnvelope, at: number): InboundEvent[] {
  const e = env.event as MessageReceiveEvent;
  const m = e.message ?? {};
  const sender = ids(e.sender?.sender_id);
  const created = Number(m.create_time);
  return [
    {
      id: inboundEventId('feishu', env.header.event_id),
      type: CHANNEL_EVENTS.messageReceived,
      at: Number.isFinite(created) && created > 0 ? created : at,
      // open_id: the member's id as this app sees them, the one Feishu always sends.
      address: sender.openId,
      group: m.chat_type === 'group' ? str(m.chat_id) : null,
      data: {
        text: textOf(m),
        messageId: str(m.message_id) ?? env.header.event_id,
        messageType: str(m.message_type) ?? 'unknown',
        ...sender,
      },
    },
  ];
}

/** One event per member: Feishu reports several users added at once in one callback. */
function membership(env: EventEnvelope, at: number, joined: boolean): InboundEvent[] {
  const e = env.event as ChatMemberEvent;
  const operator = str(e.operator_id?.open_id);
  return (e.users ?? []).flatMap((u): InboundEvent[] => {
    const user = ids(u.user_id);
    if (user.openId === null) return [];
    return [
      {
        id: inboundEventId('feishu', env.header.event_id, user.openId),
        type: joined ? CHANNEL_EVENTS.memberJoined : CHANNEL_EVENTS.memberLeft,
        at,
        address: user.openId,
        name: str(u.name),
        group: str(e.chat_id),
        // Feishu does not say which share link a member used, so a join carries no invite code.
        data: joined ? { invite: null, attribution: null, operator, ...user } : { operator, ...user },
      },
    ];
  });
}

/** Normalised events for a v2 callback; event types Kith does not use yield none. */
export function normalise(env: EventEnvelope): InboundEvent[] {
  const created = Number(env.header.create_time);
  const at = Number.isFinite(created) && created > 0 ? created : 0;
  switch (env.header.event_type) {
    case EVENT_TYPES.messageReceive:
      return messageReceived(env, at);
    case EVENT_TYPES.memberAdded:
      return membership(env, at, true);
    case EVENT_TYPES.memberDeleted:
      return membership(env, at, false);
    default:
      return [];
  }
}
