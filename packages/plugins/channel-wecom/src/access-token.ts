import { createHash } from 'node:crypto';
import { type PluginContext, PluginError } from '@kith/sdk';
import type { WeComConfig } from './config.js';
import { errorOf, type WeComAnswer } from './errcode.js';
import { qyapi } from './http.js';

/** Refresh this long before WeCom's expires_in runs out, so a token never expires mid-call. */
const MARGIN_MS = 5 * 60 * 1000;
/** access_token rejected as invalid or expired: fetch a new one and try once more. */
const STALE_TOKEN = new Set([40014, 42001]);

/** Keyed by a digest of corp and secret: rotating the secret starts a new cache entry. */
function cacheKey(corpId: string, secret: string) {
  return `access-token:${createHash('sha256').update(`${corpId}\n${secret}`).digest('hex').slice(0, 16)}`;
}

function credentials(ctx: PluginContext<WeComConfig>): { corpId: string; secret: string } {
  const { corpId, secret } = ctx.config;
  if (corpId === undefined || secret === undefined)
    throw PluginError.permanent(
      'set corpId and secret (an app with 客户联系 permission) to call the WeCom API',
    );
  return { corpId, secret };
}

async function fetchToken(ctx: PluginContext<WeComConfig>, corpId: string, secret: string): Promise<string> {
  const answer = await qyapi<WeComAnswer & { access_token?: string; expires_in?: number }>(
    ctx,
    '/cgi-bin/gettoken',
    { corpid: corpId, corpsecret: secret },
  );
  const error = errorOf('gettoken', answer);
  if (error !== null) throw error;
  if (typeof answer.access_token !== 'string') throw PluginError.transient('WeCom gettoken: no access_token');
  const ttlMs = (answer.expires_in ?? 7200) * 1000 - MARGIN_MS;
  if (ttlMs > 0) await ctx.kv.set(cacheKey(corpId, secret), answer.access_token, { ttlMs });
  return answer.access_token;
}

/**
 * Calls an access_token API (https://developer.work.weixin.qq.com/document/path/91039): the token
 * is cached in the instance's store for its lifetime, and fetched anew once if WeCom says it is
 * invalid or expired (a secret reset, another server refreshing it).
 */
export async function withAccessToken<T extends WeComAnswer>(
  ctx: PluginContext<WeComConfig>,
  call: (token: string) => Promise<T>,
): Promise<T> {
  const { corpId, secret } = credentials(ctx);
  const cached = await ctx.kv.get<string>(cacheKey(corpId, secret));
  const first = await call(cached ?? (await fetchToken(ctx, corpId, secret)));
  if (cached === undefined || !STALE_TOKEN.has(first.errcode ?? 0)) return first;
  return call(await fetchToken(ctx, corpId, secret));
}
