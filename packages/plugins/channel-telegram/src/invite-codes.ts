import { randomBytes } from 'node:crypto';
import type { PluginContext } from '@kith/sdk';

/** How long an invite's attribution is kept for a join to pick it up. */
const INVITE_TTL_MS = 180 * 24 * 3600 * 1000;
/** A pending join request waits for an admin this long at most before its code is forgotten. */
const JOIN_REQUEST_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * `kith-` + 11 base64url characters: fits a link name (≤ 32 characters) and a /start payload
 * (≤ 64 of A-Z a-z 0-9 _ -), and tells our links from the ones admins make by hand.
 */
export const INVITE_CODE = /^kith-[A-Za-z0-9_-]{11}$/;

export function newInviteCode(): string {
  return `kith-${randomBytes(8).toString('base64url')}`;
}

export interface StoredInvite {
  attribution: Readonly<Record<string, string>>;
  member: string | null;
  group: string | null;
  url: string;
}

const inviteKey = (code: string) => `invite:${code}`;
const linkKey = (url: string) => `invite-link:${url}`;
const requestKey = (chat: string, user: string) => `join-request:${chat}:${user}`;

export async function storeInvite(ctx: PluginContext<unknown>, code: string, invite: StoredInvite) {
  await ctx.kv.set(inviteKey(code), invite, { ttlMs: INVITE_TTL_MS });
  await ctx.kv.set(linkKey(invite.url), code, { ttlMs: INVITE_TTL_MS });
}

export async function attributionOf(
  ctx: PluginContext<unknown>,
  code: string,
): Promise<Readonly<Record<string, string>> | null> {
  return (await ctx.kv.get<StoredInvite>(inviteKey(code)))?.attribution ?? null;
}

/**
 * The code of an invite link as Telegram reports it on a join: our links carry the code as their
 * name; a link whose name an admin edited is still found by its URL.
 */
export async function codeOfLink(
  ctx: PluginContext<unknown>,
  link: { name?: string; invite_link: string } | undefined,
): Promise<string | null> {
  if (link === undefined) return null;
  if (link.name !== undefined && INVITE_CODE.test(link.name)) return link.name;
  return (await ctx.kv.get<string>(linkKey(link.invite_link))) ?? null;
}

/** A join request remembers its code: the chat_member update after approval may not carry the link. */
export async function rememberJoinRequest(
  ctx: PluginContext<unknown>,
  chat: string,
  user: string,
  code: string,
) {
  await ctx.kv.set(requestKey(chat, user), code, { ttlMs: JOIN_REQUEST_TTL_MS });
}

export async function joinRequestCode(
  ctx: PluginContext<unknown>,
  chat: string,
  user: string,
): Promise<string | null> {
  return (await ctx.kv.get<string>(requestKey(chat, user))) ?? null;
}
