import { type PluginContext, PluginError } from '@kith/sdk';
import { checkTimestamp } from '@kith/sdk/webhook';
import type { WechatPayConfig } from './config.js';
import { nonce, publicKeyOf, rsaSign, rsaVerify, signedMessage } from './crypto.js';

type Ctx = PluginContext<WechatPayConfig>;

/** WeChat Pay's signatures stay valid for five minutes either way (the SDKs' `FiveMinute`). */
export const WINDOW_MS = 5 * 60_000;

/**
 * `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"`,
 * the signature over `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n` with the merchant private key, where
 * URL is the path and query as sent and BODY is empty for a GET.
 */
export function authorization(ctx: Ctx, method: string, canonicalUrl: string, body: string): string {
  const ts = String(Math.floor(ctx.clock.now() / 1000));
  const n = nonce();
  const signature = rsaSign(signedMessage(method, canonicalUrl, ts, n, body), ctx.config.privateKey);
  const c = ctx.config;
  return `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchId}",nonce_str="${n}",timestamp="${ts}",serial_no="${c.certSerial}",signature="${signature}"`;
}

/** The platform key with this serial, or null: a serial we do not know is never trusted. */
export function platformKey(ctx: Ctx, serial: string) {
  const k = ctx.config.platformKeys.find((p) => p.serial === serial);
  return k === undefined ? null : publicKeyOf(k.pem);
}

/**
 * Checks a message WeChat Pay signed (an API response or a notification): the serial names a
 * configured key, the timestamp is within five minutes, and the signature is over
 * `TIMESTAMP\nNONCE\nBODY\n`. Returns null when it holds, else why not.
 */
export function checkWechatSignature(
  ctx: Ctx,
  headers: { timestamp?: string; nonce?: string; signature?: string; serial?: string },
  body: string,
): { reason: 'missing-signature' | 'stale' | 'bad-signature'; message: string } | null {
  const { timestamp, nonce: n, signature, serial } = headers;
  if (!timestamp || !n || !signature || !serial)
    return { reason: 'missing-signature', message: 'Wechatpay-Timestamp/Nonce/Signature/Serial required' };
  if (
    !/^\d+$/.test(timestamp) ||
    checkTimestamp(Number(timestamp) * 1000, ctx.clock.now(), WINDOW_MS) !== 'ok'
  )
    return { reason: 'stale', message: `Wechatpay-Timestamp ${timestamp} is outside the 5-minute window` };
  const key = platformKey(ctx, serial);
  if (key === null) return { reason: 'bad-signature', message: `unknown Wechatpay-Serial ${serial}` };
  if (!rsaVerify(signedMessage(timestamp, n, body), signature, key))
    return { reason: 'bad-signature', message: 'Wechatpay-Signature does not verify' };
  return null;
}

interface ErrorBody {
  code?: string;
  message?: string;
}

// Codes WeChat Pay documents as "try again later" though the status is 4xx/5xx alike
const TRANSIENT_CODES = new Set(['SYSTEM_ERROR', 'SYSTEMERROR', 'BANK_ERROR', 'FREQUENCY_LIMITED']);

function errorOf(status: number, body: ErrorBody, what: string): PluginError {
  const code = body.code ?? null;
  const message = `${what}: ${status} ${code ?? ''} ${body.message ?? ''}`.trim();
  if (status === 429 || code === 'FREQUENCY_LIMITED')
    return PluginError.rateLimited(message, 1000, { status, code });
  if (status === 401 || code === 'SIGN_ERROR') return PluginError.auth(message, { status, code });
  if (status >= 500 || (code !== null && TRANSIENT_CODES.has(code)))
    return PluginError.transient(message, { status, code });
  return PluginError.permanent(message, { status, code });
}

/**
 * One API v3 call: signed, sent through `ctx.fetch`, and (for 2xx) its response signature
 * verified against the platform keys before the body is believed. 204 returns null.
 */
export async function wechatCall<T>(
  ctx: Ctx,
  what: string,
  method: 'GET' | 'POST',
  path: string,
  payload?: Readonly<Record<string, unknown>>,
): Promise<T | null> {
  const url = new URL(path, ctx.config.baseUrl);
  const body = payload === undefined ? '' : JSON.stringify(payload);
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      method,
      headers: {
        authorization: authorization(ctx, method, `${url.pathname}${url.search}`, body),
        accept: 'application/json',
        'user-agent': 'kith-payment-wechatpay/1',
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body }),
    });
  } catch (e) {
    throw PluginError.transient(`${what}: ${String(e)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let parsed: ErrorBody = {};
    try {
      parsed = JSON.parse(text) as ErrorBody;
    } catch {
      // a gateway's HTML error page: the status says enough
    }
    throw errorOf(res.status, parsed, what);
  }
  const bad = checkWechatSignature(
    ctx,
    {
      timestamp: res.headers.get('wechatpay-timestamp') ?? undefined,
      nonce: res.headers.get('wechatpay-nonce') ?? undefined,
      signature: res.headers.get('wechatpay-signature') ?? undefined,
      serial: res.headers.get('wechatpay-serial') ?? undefined,
    },
    text,
  );
  // an unsigned or forged answer may be a man in the middle: not a result to act on, and a retry may get a real one
  if (bad !== null) throw PluginError.transient(`${what}: response signature: ${bad.message}`);
  return text === '' ? null : (JSON.parse(text) as T);
}
