import { type ChannelCapability, type MembershipRequest, PluginError } from '@kith/sdk';
import type { ChatPermissions } from 'grammy/types';
import { callTelegram, chatId } from './api.js';
import type { TelegramConfig } from './config.js';

type Channel = ChannelCapability<TelegramConfig>;

/** Everything a member may do in a group, switched off. */
const MUTED: ChatPermissions = {
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_change_info: false,
  can_invite_users: false,
  can_pin_messages: false,
  can_manage_topics: false,
};

function userId(request: MembershipRequest): number {
  if (request.address === null || !/^\d+$/.test(request.address)) {
    throw PluginError.permanent(`member ${request.member} has no Telegram user id on this channel`);
  }
  return Number(request.address);
}

/** Mutes a member in a group (restrictChatMember); the bot must be an admin allowed to restrict. */
export const muteMember: NonNullable<Channel['muteMember']> = async (ctx, request) => {
  const user = userId(request);
  await callTelegram(ctx, 'restrictChatMember', (api) =>
    api.restrictChatMember(chatId(request.group), user, MUTED, {
      use_independent_chat_permissions: true,
      // Telegram reads 0 (or over 366 days) as "forever".
      until_date: request.untilMs === null ? 0 : Math.ceil(request.untilMs / 1000),
    }),
  );
};

/**
 * Removes a member from a group: ban, then lift the ban, which is how Telegram kicks — the member
 * is out and can come back through a new invite, as with every other channel.
 */
export const removeMember: NonNullable<Channel['removeMember']> = async (ctx, request) => {
  const user = userId(request);
  const chat = chatId(request.group);
  await callTelegram(ctx, 'banChatMember', (api) => api.banChatMember(chat, user));
  await callTelegram(ctx, 'unbanChatMember', (api) =>
    api.unbanChatMember(chat, user, { only_if_banned: true }),
  );
};
