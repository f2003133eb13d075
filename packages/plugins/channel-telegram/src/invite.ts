import type { ChannelCapability, PluginContext } from '@kith/sdk';
import { callTelegram, chatId } from './api.js';
import type { TelegramConfig } from './config.js';
import { newInviteCode, storeInvite } from './invite-codes.js';

/** The bot's username changes rarely; a day is a fine time to notice a rename. */
const ME_TTL_MS = 24 * 3600 * 1000;

async function botUsername(ctx: PluginContext<TelegramConfig>): Promise<string> {
  const cached = await ctx.kv.get<string>('bot-username');
  if (cached !== undefined) return cached;
  const me = await callTelegram(ctx, 'getMe', (api) => api.getMe());
  await ctx.kv.set('bot-username', me.username, { ttlMs: ME_TTL_MS });
  return me.username;
}

/**
 * A per-attribution invite. For a group: a chat invite link named with the code
 * (createChatInviteLink), so the join update names it. Without a group: a deep link that opens the
 * bot and sends `/start <code>`, which comes back as member.joined with the code.
 */
export const createInvite: ChannelCapability<TelegramConfig>['createInvite'] = async (ctx, request) => {
  const code = newInviteCode();
  let url: string;
  if (request.group !== null) {
    const group = request.group;
    const link = await callTelegram(ctx, 'createChatInviteLink', (api) =>
      api.createChatInviteLink(chatId(group), {
        name: code,
        creates_join_request: ctx.config.joinRequests,
      }),
    );
    url = link.invite_link;
  } else {
    url = `https://t.me/${await botUsername(ctx)}?start=${code}`;
  }
  await storeInvite(ctx, code, {
    attribution: request.attribution,
    member: request.member,
    group: request.group,
    url,
  });
  return { code, url };
};
