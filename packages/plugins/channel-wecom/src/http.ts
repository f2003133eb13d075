import { errorFromResponse, type PluginContext, PluginError } from '@kith/sdk';
import type { WeComConfig } from './config.js';
import type { WeComAnswer } from './errcode.js';

/**
 * One qyapi request. HTTP failures map the usual way (a proxy's 429 with Retry-After included);
 * an HTTP 200 is returned with its `errcode` for the caller to judge.
 */
export async function qyapi<T extends WeComAnswer>(
  ctx: PluginContext<WeComConfig>,
  path: string,
  query: Readonly<Record<string, string>>,
  body?: unknown,
): Promise<T> {
  const url = new URL(`${ctx.config.baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  let res: Response;
  try {
    res = await ctx.fetch(url.toString(), {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    // The URL holds the robot key or access token: never put it in the message.
    throw PluginError.transient(`WeCom ${path} unreachable: ${e instanceof Error ? e.name : 'error'}`, {
      cause: e,
    });
  }
  if (!res.ok)
    throw errorFromResponse(res, { message: `WeCom ${path}: HTTP ${res.status}`, now: ctx.clock.now() });
  const answer = (await res.json().catch(() => null)) as T | null;
  if (answer === null || typeof answer !== 'object')
    throw PluginError.transient(`WeCom ${path}: the answer is not JSON`, { status: res.status });
  return answer;
}
