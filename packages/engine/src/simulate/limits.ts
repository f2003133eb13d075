import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { durationMs } from '../time/duration.js';

/**
 * A provider's published limit, in the shape plugins declare it (`@kith/sdk`'s `RateLimit`; the
 * engine cannot import the SDK, so the shape is repeated here and a plugin's `rateLimits` fit).
 */
export interface ProviderLimit {
  name: string;
  max: number;
  perMs: number;
  /** `connection`: the credential (bot, robot); `group`: one group chat; `recipient`: one member. */
  scope: 'connection' | 'group' | 'recipient';
  /** `messages`: sends only; `calls`: every provider call (group changes, checkouts too). */
  counts: 'messages' | 'calls';
  description: string | null;
}

/** A limit as the simulator checks it, with where it came from. */
export interface ChannelLimit extends ProviderLimit {
  source: 'plugin' | 'builtin' | 'playbook';
}

/** Limits by plugin name (`use` without its version range). */
export type LimitCatalogue = Readonly<Record<string, readonly ProviderLimit[]>>;

const limit = (
  name: string,
  max: number,
  perMs: number,
  scope: ProviderLimit['scope'],
  description: string,
  counts: ProviderLimit['counts'] = 'messages',
): ProviderLimit => ({ name, max, perMs, scope, counts, description });

/**
 * The providers' published limits, for channels whose plugin package is not at hand. A plugin's
 * own declaration (passed in by the caller from the SDK catalogue) replaces its row.
 */
export const BUILTIN_LIMITS: LimitCatalogue = {
  telegram: [
    limit('per-group', 20, 60_000, 'group', 'Telegram: 20 messages a minute to one group'),
    limit('overall', 30, 1_000, 'connection', 'Telegram: about 30 messages a second per bot'),
  ],
  wecom: [limit('robot', 20, 60_000, 'connection', 'WeCom group robot: 20 messages a minute')],
  dingtalk: [limit('robot', 20, 60_000, 'connection', 'DingTalk custom robot: 20 messages a minute')],
  feishu: [limit('api', 5, 1_000, 'connection', 'Feishu: 5 requests a second', 'calls')],
  email: [],
};

/** `telegram@^1` → `telegram`; `@acme/kith-channel-line@^2` → `@acme/kith-channel-line`. */
export function pluginName(use: string): string {
  const at = use.indexOf('@', use.startsWith('@') ? 1 : 0);
  return at < 0 ? use : use.slice(0, at);
}

/**
 * The limits a channel instance is checked against: its plugin's (from `catalogue`, else the
 * built-in table), plus the tighter connection limit the playbook itself sets (`rateLimit:`).
 */
export function channelLimits(
  pb: ResolvedPlaybook,
  channel: string,
  catalogue: LimitCatalogue,
): ChannelLimit[] {
  const spec = pb.channels?.[channel];
  if (spec === undefined) return [];
  const name = pluginName(spec.use);
  const fromPlugin = catalogue[name];
  const out: ChannelLimit[] = (fromPlugin ?? BUILTIN_LIMITS[name] ?? []).map((l) => ({
    ...l,
    source: fromPlugin === undefined ? 'builtin' : 'plugin',
  }));
  const max = Number(spec.rateLimit?.max);
  const per = spec.rateLimit?.per;
  if (Number.isSafeInteger(max) && max > 0 && per !== undefined) {
    out.push({
      name: 'playbook',
      max,
      perMs: durationMs(per),
      scope: 'connection',
      counts: 'messages',
      description: 'the rate limit set on this channel in the playbook',
      source: 'playbook',
    });
  }
  return out;
}
