import { CHANNEL_EVENTS, type InboundEvent, inboundEventId, type PluginContext } from '@kith/sdk';
import type {
  CallbackQuery,
  ChatJoinRequest,
  ChatMember,
  ChatMemberUpdated,
  Message,
  User,
} from 'grammy/types';
import type { TelegramConfig } from './config.js';
import {
  attributionOf,
  codeOfLink,
  INVITE_CODE,
  joinRequestCode,
  rememberJoinRequest,
} from './invite-codes.js';

/** Not one of the four standard channel events: an admin (or a playbook) still has to approve. */
export const JOIN_REQUESTED = 'member.join_requested';

type Ctx = PluginContext<TelegramConfig>;

/** What the parser reads of an update; Telegram sends much more, which is ignored. */
export interface TelegramUpdate {
  update_id: number;
  message?: Message;
  callback_query?: CallbackQuery;
  chat_member?: ChatMemberUpdated;
  chat_join_request?: ChatJoinRequest;
}

const nameOf = (u: User) => [u.first_name, u.last_name].filter(Boolean).join(' ') || null;
/** Private chats have the user's id; the event's group is only set for groups. */
const groupOf = (chat: { id: number; type: string }) => (chat.type === 'private' ? null : String(chat.id));

async function joinData(ctx: Ctx, invite: string | null) {
  return { invite, attribution: invite === null ? null : await attributionOf(ctx, invite) };
}

async function fromMessage(ctx: Ctx, id: string, m: Message): Promise<InboundEvent | null> {
  if (m.from === undefined || m.from.is_bot) return null;
  const base = { id, at: m.date * 1000, address: String(m.from.id), name: nameOf(m.from) };
  const text = m.text ?? m.caption ?? '';
  // A deep link (t.me/bot?start=<code>) arrives as `/start <code>` in the private chat.
  const start = m.chat.type === 'private' ? /^\/start ([A-Za-z0-9_-]{1,64})$/.exec(text) : null;
  if (start !== null && INVITE_CODE.test(start[1]!)) {
    return { ...base, type: CHANNEL_EVENTS.memberJoined, group: null, data: await joinData(ctx, start[1]!) };
  }
  // Service messages (joins, pins) have no text and are reported by chat_member updates instead.
  if (m.text === undefined && m.caption === undefined) return null;
  return {
    ...base,
    type: CHANNEL_EVENTS.messageReceived,
    group: groupOf(m.chat),
    data: { text, messageId: `${m.chat.id}:${m.message_id}` },
  };
}

function fromCallback(ctx: Ctx, id: string, q: CallbackQuery): InboundEvent | null {
  if (q.data === undefined) return null;
  const m = q.message;
  return {
    id,
    type: CHANNEL_EVENTS.buttonClicked,
    // A callback query carries no time of its own; it arrives as it happens.
    at: ctx.clock.now(),
    address: String(q.from.id),
    name: nameOf(q.from),
    group: m === undefined ? null : groupOf(m.chat),
    data: { value: q.data, messageId: m === undefined ? null : `${m.chat.id}:${m.message_id}` },
  };
}

function isIn(m: ChatMember): boolean {
  if (m.status === 'restricted') return m.is_member;
  return m.status === 'member' || m.status === 'administrator' || m.status === 'creator';
}

async function fromChatMember(ctx: Ctx, id: string, u: ChatMemberUpdated): Promise<InboundEvent | null> {
  const was = isIn(u.old_chat_member);
  const is = isIn(u.new_chat_member);
  if (was === is) return null; // a promotion, a restriction: not a join or a leave
  const user = u.new_chat_member.user;
  const chat = String(u.chat.id);
  const base = { id, at: u.date * 1000, address: String(user.id), name: nameOf(user), group: chat };
  if (!is) return { ...base, type: CHANNEL_EVENTS.memberLeft, data: {} };
  const invite =
    (await codeOfLink(ctx, u.invite_link)) ??
    (u.via_join_request ? await joinRequestCode(ctx, chat, String(user.id)) : null);
  return { ...base, type: CHANNEL_EVENTS.memberJoined, data: await joinData(ctx, invite) };
}

async function fromJoinRequest(ctx: Ctx, id: string, r: ChatJoinRequest): Promise<InboundEvent> {
  const chat = String(r.chat.id);
  const invite = await codeOfLink(ctx, r.invite_link);
  if (invite !== null) await rememberJoinRequest(ctx, chat, String(r.from.id), invite);
  return {
    id,
    type: JOIN_REQUESTED,
    at: r.date * 1000,
    address: String(r.from.id),
    name: nameOf(r.from),
    group: chat,
    data: await joinData(ctx, invite),
  };
}

/**
 * One update as Kith events (none for kinds Kith does not track). The id is the update_id,
 * which Telegram keeps when it redelivers an update we failed to acknowledge.
 */
export async function eventsOf(ctx: Ctx, update: TelegramUpdate): Promise<InboundEvent[]> {
  const id = inboundEventId('update', update.update_id);
  let event: InboundEvent | null = null;
  if (update.message !== undefined) event = await fromMessage(ctx, id, update.message);
  else if (update.callback_query !== undefined) event = fromCallback(ctx, id, update.callback_query);
  else if (update.chat_member !== undefined) event = await fromChatMember(ctx, id, update.chat_member);
  else if (update.chat_join_request !== undefined)
    event = await fromJoinRequest(ctx, id, update.chat_join_request);
  return event === null ? [] : [event];
}
