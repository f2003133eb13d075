import type { ResolvedPlaybook } from '@kith/playbook/browser';
import type { Problems } from '../../compile/problems.js';
import type { Render } from '../../compile/types.js';

export type RuleAction = 'strike' | 'warn' | 'delete' | 'mute' | 'remove';

export interface CompiledRule {
  id: string;
  description: string | null;
  /** Lower-cased; matched as case-insensitive substrings. */
  keywords: readonly string[];
  regex: RegExp | null;
  links: boolean;
  flood: { messages: number; perMs: number } | null;
  action: RuleAction;
  message: Render | null;
}

type RuleSpec = NonNullable<NonNullable<ResolvedPlaybook['covenant']>['rules']>[number];

/**
 * A link: a URL with a scheme, `www.`, or a bare domain under a common top-level domain
 * (`t.me/x`, `shop.cn`): what spammers paste to pull members elsewhere.
 */
const LINK =
  /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|cn|io|me|cc|co|top|xyz|info|app|dev|link|ly|shop|site|vip)\b/iu;

export function compileRule(r: RuleSpec, i: number, p: Problems): CompiledRule {
  const at = `covenant.rules.${i}`;
  let regex: RegExp | null = null;
  if (r.regex !== undefined) {
    try {
      // case-insensitive, like keywords; `u` as the validator checks it
      regex = new RegExp(r.regex, 'iu');
    } catch (e) {
      p.add(`${at}.regex`, e instanceof Error ? e.message : String(e));
    }
  }
  return {
    id: r.id,
    description: r.description ?? null,
    keywords: (r.keywords ?? []).map((k) => k.toLowerCase()),
    regex,
    links: r.links === true,
    flood:
      r.flood === undefined
        ? null
        : {
            messages: p.int(r.flood.messages, `${at}.flood.messages`, 2),
            perMs: p.duration(r.flood.per, `${at}.flood.per`),
          },
    action: r.action,
    message: p.template(r.message, `${at}.message`),
  };
}

/** Whether a message's text breaks a rule's content tests (keywords, regex, links). */
export function breaksContent(rule: CompiledRule, lower: string, text: string): boolean {
  for (const k of rule.keywords) if (lower.includes(k)) return true;
  if (rule.regex?.test(text)) return true;
  return rule.links && LINK.test(text);
}

/** Whether the member's recent message times (ascending, this one last) are a flood by the rule. */
export function floods(rule: CompiledRule, recent: readonly number[], at: number): boolean {
  const f = rule.flood;
  if (f === null || recent.length < f.messages) return false;
  return recent[recent.length - f.messages]! > at - f.perMs;
}
