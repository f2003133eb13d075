/**
 * What a rate limit counts against:
 * - `connection`: the provider credential (a Telegram bot token, a WeCom robot key), shared by
 *   every playbook and queue that uses it;
 * - `group`: one group chat on that connection (Telegram: 20 messages a minute per group);
 * - `recipient`: one member's address on that connection.
 */
export type RateLimitScope = 'connection' | 'group' | 'recipient';

export const RATE_LIMIT_SCOPES: readonly RateLimitScope[] = ['connection', 'group', 'recipient'];

/**
 * What a limit counts: `messages` (sends — Telegram's 20/min per group, WeCom's 20/min per robot)
 * or `calls` (every provider API call — Feishu's 5 requests/s), group changes and checkouts included.
 */
export type RateLimitCounts = 'messages' | 'calls';

/** As a plugin declares it. */
export interface RateLimitDefinition {
  /** Unique within the plugin; defaults to `${scope}`. */
  name?: string;
  /** Sends allowed in any window of length `per`. */
  max: number;
  /** Milliseconds, or a duration: `1s`, `1m`, `1h`. */
  per: number | string;
  scope: RateLimitScope;
  /** Default `messages`. */
  counts?: RateLimitCounts;
  /** Where the figure comes from (the provider's docs), for operators. */
  description?: string;
}

/** Normalised by `definePlugin`. */
export interface RateLimit {
  name: string;
  max: number;
  perMs: number;
  scope: RateLimitScope;
  counts: RateLimitCounts;
  description: string | null;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1m30s` → 90000; a number passes through; null when unreadable. */
export function parseDuration(value: number | string): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const s = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}
