import { randomBytes } from 'node:crypto';
import type { PluginContext } from '@kith/sdk';

const INVITE_TTL_MS = 180 * 24 * 3600 * 1000;
const inviteKey = (code: string) => `invite:${code}`;

/** 「联系我」 state is at most 30 characters: `kith-` + 16 base64url characters. */
export function newInviteCode(): string {
  return `kith-${randomBytes(12).toString('base64url')}`;
}

export interface StoredInvite {
  attribution: Readonly<Record<string, string>>;
  member: string | null;
  configId: string;
}

export async function storeInvite(ctx: PluginContext<unknown>, code: string, invite: StoredInvite) {
  await ctx.kv.set(inviteKey(code), invite, { ttlMs: INVITE_TTL_MS });
}

export async function attributionOf(
  ctx: PluginContext<unknown>,
  code: string,
): Promise<Readonly<Record<string, string>> | null> {
  return (await ctx.kv.get<StoredInvite>(inviteKey(code)))?.attribution ?? null;
}
