import { PluginError } from '@kith/sdk';

/** Wait for a rate-limit reply that names no time: servers that throttle usually count per minute. */
export const DEFAULT_SMTP_RATE_WAIT_MS = 60_000;

/** What nodemailer puts on its errors. */
interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Throttling replies say so in words (Gmail 4.7.28 "rate limited", SES "Throttling failure", Postfix "Rate limit"). */
const THROTTLED = /\b(rate[- ]?limit|throttl|too many (messages|connections|requests|recipients))/i;
const AUTH_REPLIES = new Set([530, 534, 535]);

/** "try again in 7 seconds", "retry after 2 minutes": the wait a throttling reply names, if any. */
function namedWait(text: string): number | null {
  const m = /(?:in|after)\s+(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?)\b/i.exec(text);
  if (m === null) return null;
  const n = Number(m[1]);
  return m[2]!.toLowerCase().startsWith('m') ? n * 60_000 : n * 1000;
}

/**
 * An SMTP failure as a PluginError: a refused login (EAUTH, 530/534/535) → auth; a 4xx reply →
 * transient, unless it says the sender is throttled → rate-limited; a 5xx reply → permanent; a
 * TLS failure → auth (host, port or TLS settings are wrong); anything on the connection (refused,
 * reset, timed out, DNS) → transient.
 */
export function errorFromSmtp(e: unknown): PluginError {
  const f = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as SmtpFailure;
  const reply = f.response ?? f.message ?? 'SMTP failure';
  const options = { code: f.responseCode ?? f.code ?? null, cause: e };
  const rc = f.responseCode;
  if (f.code === 'EAUTH' || (rc !== undefined && AUTH_REPLIES.has(rc))) {
    return PluginError.auth(`SMTP login refused: ${reply}`, options);
  }
  // Before the reply code: a server that refuses STARTTLS answers 500, but the fault is our TLS settings.
  if (f.code === 'ETLS') return PluginError.auth(`SMTP TLS failed: ${reply}`, options);
  if (rc !== undefined && rc >= 400 && rc < 500) {
    if (THROTTLED.test(reply)) {
      return PluginError.rateLimited(
        `SMTP server throttled us: ${reply}`,
        namedWait(reply) ?? DEFAULT_SMTP_RATE_WAIT_MS,
        options,
      );
    }
    return PluginError.transient(`SMTP server deferred the message: ${reply}`, options);
  }
  if (rc !== undefined && rc >= 500)
    return PluginError.permanent(`SMTP server refused the message: ${reply}`, options);
  if (f.code === 'EENVELOPE' || f.code === 'EMESSAGE')
    return PluginError.permanent(`cannot send: ${reply}`, options);
  return PluginError.transient(`SMTP server unreachable: ${reply}`, options);
}
