import { errorFromResponse, type PluginContext, PluginError } from '@kith/sdk';
import { DEV_TOKEN, type SandboxConfig } from './config.js';

/**
 * One call to the sandbox API, with the provider's failures mapped to PluginError kinds the same
 * way a real plugin maps its provider's (429 → rate-limited, 401 → auth, 5xx → transient).
 */
export async function call(
  ctx: PluginContext<SandboxConfig>,
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown> | null> {
  const url = `${ctx.config.baseUrl.replace(/\/$/, '')}${path}`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${ctx.config.token ?? DEV_TOKEN}`,
    'content-type': 'application/json',
  };
  if (ctx.idempotencyKey !== null) headers['idempotency-key'] = ctx.idempotencyKey;
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw PluginError.transient(`sandbox unreachable: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (!res.ok) {
    const detail = (await res.json().catch(() => null)) as { error?: string } | null;
    throw errorFromResponse(res, { message: detail?.error, now: ctx.clock.now() });
  }
  return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>);
}
