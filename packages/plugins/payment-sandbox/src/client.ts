import { errorFromResponse, type PluginContext, PluginError } from '@kith/sdk';
import type { SandboxConfig } from './config.js';

/** One call to the sandbox service through `ctx.fetch`; HTTP failures become PluginError kinds. */
export async function sandboxCall<T>(
  ctx: PluginContext<SandboxConfig>,
  what: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  idempotencyKey?: string,
): Promise<T> {
  let res: Response;
  try {
    res = await ctx.fetch(new URL(path, ctx.config.baseUrl), {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw PluginError.transient(`${what}: ${String(e)}`);
  }
  if (!res.ok) {
    const text = await res.text();
    throw errorFromResponse(res, { message: `${what}: ${res.status} ${text}` });
  }
  return (await res.json()) as T;
}

export interface CheckoutView {
  id: string;
  order: string;
  payment: string;
  state: 'pending' | 'authorized' | 'paid' | 'failed' | 'voided';
  amount: number;
  currency: string;
  refunded: number;
  url: string;
}
