import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { Problems } from '../../compile/problems.js';

export type SignalScope = 'member' | 'group' | 'community';

export interface SignalPlan {
  id: string;
  /** Lower-cased; a message containing one (any case) is a mention. */
  keywords: readonly string[];
  regex: readonly RegExp[];
  /** As written (`7d`), for the event's data. */
  window: string;
  windowMs: number;
  threshold: number;
  cooldownMs: number;
  scope: SignalScope;
  /** The event emitted when it fires. */
  event: string;
}

export interface SignalsPlan {
  signals: readonly SignalPlan[];
}

export function compileSignals(pb: ResolvedPlaybook): SignalsPlan | undefined {
  const entries = Object.entries(pb.signals ?? {});
  if (entries.length === 0) return undefined;
  const p = new Problems();
  const signals = entries.map(([id, s]): SignalPlan => {
    const at = `signals.${id}`;
    const regex: RegExp[] = [];
    for (const [i, r] of (s.regex ?? []).entries()) {
      try {
        // case-insensitive, like keywords; `u` as the validator checks it
        regex.push(new RegExp(r, 'iu'));
      } catch (e) {
        p.add(`${at}.regex.${i}`, e instanceof Error ? e.message : String(e));
      }
    }
    return {
      id,
      keywords: (s.keywords ?? []).map((k) => k.toLowerCase()),
      regex,
      window: s.window,
      windowMs: p.duration(s.window, `${at}.window`),
      threshold: p.int(s.threshold, `${at}.threshold`, 1),
      cooldownMs: s.cooldown === undefined ? 0 : p.duration(s.cooldown, `${at}.cooldown`),
      scope: s.scope ?? 'member',
      event: s.emit ?? `signal.${id}`,
    };
  });
  p.throwIfAny();
  return { signals };
}

/** Whether a message mentions the signal: one mention per message, however many words match. */
export function mentions(s: SignalPlan, lower: string, text: string): boolean {
  for (const k of s.keywords) if (lower.includes(k)) return true;
  for (const r of s.regex) if (r.test(text)) return true;
  return false;
}
