import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { durationMs } from '../time/duration.js';

/** A ritual whose check-ins the synthetic members make. */
export interface RitualCue {
  id: string;
  cron: string;
  zone: string;
  /** A message with this word checks in. */
  keyword: string;
  /** How long after the start a check-in counts. */
  windowMs: number;
  /** Only members in this group pool take part (the announcement goes to its groups). */
  pool: string | null;
}

/**
 * What of the playbook the synthetic members react to, read once from its text (not from any
 * mechanic's internals, so that behaviour follows the language, whichever mechanics run it).
 */
export interface Cues {
  /** Label of the covenant's accept button (answered with the `acceptCovenant` probability). */
  covenantButton: string | null;
  /**
   * Labels of check-in buttons: `answer` them with the `checkin` probability (a ritual without a
   * keyword), or `ignore` them (members of a ritual with a keyword check in by writing it).
   */
  checkinButtons: ReadonlyMap<string, 'answer' | 'ignore'>;
  /** Message fragments that break a covenant rule (keywords, a link). */
  violations: readonly string[];
  /** The entry invited members come through. */
  inviteEntry: string | null;
  /** Rituals members check in to by keyword, at each occurrence. */
  rituals: readonly RitualCue[];
}

/** The covenant mechanic's label when the playbook gives none. */
const DEFAULT_ACCEPT_LABEL = 'I agree';

/** Check-ins within two hours of the start unless the ritual says otherwise. */
const DEFAULT_CHECKIN_WINDOW = 2 * 3_600_000;

function inviteEntry(pb: ResolvedPlaybook): string | null {
  const entries = Object.entries(pb.entries ?? {});
  const named = entries.find(([id]) => id === 'invite');
  const link = entries.find(([, e]) => e.kind === 'link') ?? entries.find(([, e]) => e.kind === 'code');
  return (named ?? link)?.[0] ?? null;
}

export function readCues(pb: ResolvedPlaybook): Cues {
  const covenant = pb.covenant;
  const violations: string[] = [];
  for (const rule of covenant?.rules ?? []) {
    for (const k of rule.keywords ?? []) violations.push(k);
    if (rule.links === true) violations.push('https://example.com/deal');
  }
  const rituals: RitualCue[] = [];
  const checkinButtons = new Map<string, 'answer' | 'ignore'>();
  for (const [id, r] of Object.entries(pb.rituals ?? {})) {
    const c = r.checkin;
    if (c === undefined || r.schedule === undefined) continue;
    if (c.button !== undefined) checkinButtons.set(c.button, c.keyword === undefined ? 'answer' : 'ignore');
    if (c.keyword === undefined) continue;
    rituals.push({
      id,
      cron: r.schedule,
      zone: r.timezone ?? pb.timezone ?? 'UTC',
      keyword: c.keyword,
      windowMs: Math.min(c.window === undefined ? DEFAULT_CHECKIN_WINDOW : durationMs(c.window), 86_400_000),
      pool: r.group ?? null,
    });
  }
  return {
    covenantButton:
      covenant?.acceptance === undefined ? null : (covenant.acceptance.button ?? DEFAULT_ACCEPT_LABEL),
    checkinButtons,
    violations,
    inviteEntry: inviteEntry(pb),
    rituals,
  };
}
