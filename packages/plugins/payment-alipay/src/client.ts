import { createHash } from 'node:crypto';
import { type PluginContext, PluginError } from '@kith/sdk';
import { AlipaySdk } from 'alipay-sdk';
import type { AlipayConfig } from './config.js';

type Ctx = PluginContext<AlipayConfig>;

function keyTypeOf(c: AlipayConfig): 'PKCS1' | 'PKCS8' {
  if (c.privateKey.includes('BEGIN PRIVATE KEY')) return 'PKCS8';
  if (c.privateKey.includes('BEGIN RSA PRIVATE KEY')) return 'PKCS1';
  return c.keyType ?? 'PKCS1';
}

/**
 * The official SDK pointed at the configured gateway (the fake in tests). It signs requests with
 * RSA2 and, with `validateSign`, verifies each answer against the Alipay public key. It sends
 * with its own HTTP client (urllib), so `ctx.fetch` is not used for Alipay's API.
 */
export function alipay(ctx: Ctx): AlipaySdk {
  const c = ctx.config;
  return new AlipaySdk({
    appId: c.appId,
    privateKey: c.privateKey,
    keyType: keyTypeOf(c),
    alipayPublicKey: c.alipayPublicKey,
    gateway: c.baseUrl,
    signType: 'RSA2',
    camelcase: false,
    timeout: 10_000,
  });
}

/** What `exec` returns: Alipay's common answer fields beside the method's own. */
export interface AlipayAnswer {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
  [field: string]: unknown;
}

// Business codes Alipay documents as "try again": a system busy, or an unknown outcome
const RETRY_SUB_CODES = new Set(['ACQ.SYSTEM_ERROR', 'aop.ACQ.SYSTEM_ERROR', 'isp.unknow-error']);

/** Alipay's public codes (10000 ok, 20000 unavailable, 20001 auth, 40001/40002/40004/40006) as PluginError kinds. */
export function answerError(what: string, a: AlipayAnswer): PluginError {
  const code = a.sub_code ?? a.code;
  const message =
    `${what}: ${a.code} ${a.msg}${a.sub_code ? ` ${a.sub_code} ${a.sub_msg ?? ''}` : ''}`.trim();
  if (a.code === '20000' || (a.sub_code !== undefined && RETRY_SUB_CODES.has(a.sub_code)))
    return PluginError.transient(message, { code });
  if (
    a.code === '20001' ||
    a.code === '40006' ||
    /invalid-(signature|app-id)|invalid-auth/i.test(a.sub_code ?? '')
  )
    return PluginError.auth(message, { code });
  return PluginError.permanent(message, { code });
}

/** One `exec` with the answer's signature verified; transport and signature failures are transient. */
export async function execute(
  ctx: Ctx,
  what: string,
  method: string,
  params: Record<string, unknown>,
): Promise<AlipayAnswer> {
  let a: AlipayAnswer;
  try {
    a = (await alipay(ctx).exec(method, params, { validateSign: true })) as unknown as AlipayAnswer;
  } catch (e) {
    throw PluginError.transient(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (a.code !== '10000') throw answerError(what, a);
  return a;
}

const TRADE_NO = /^[0-9A-Za-z_]{1,64}$/;

/**
 * Alipay's `out_trade_no` (≤ 64 of letters, digits, `_`) for a Kith order: the order id when it
 * fits, else a stable hash, so a retried checkout names the same trade.
 */
export function outTradeNo(order: string): string {
  return TRADE_NO.test(order) ? order : `k${createHash('sha256').update(order).digest('hex').slice(0, 40)}`;
}

/** `out_request_no` of a refund (≤ 64), likewise. */
export const outRequestNo = outTradeNo;
