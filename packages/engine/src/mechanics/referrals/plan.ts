import { type CompiledExpression, compileExpression, type ResolvedPlaybook } from '@kith/playbook/browser';
import { PlaybookCompileError } from '../../compile/problems.js';
import type { CompiledPlaybook } from '../../compile/types.js';
import { ATTRIBUTION_MECHANIC } from '../../kernel/builtins.js';
import { durationMs } from '../../time/duration.js';
import { rateBasisPoints } from './rate.js';

/** The referrals mechanic's name: the kernel leaves join attribution to it when it runs. */
export const REFERRALS = ATTRIBUTION_MECHANIC;

export interface CommissionLevelPlan {
  /** Basis points of the order money. */
  bp: number;
  /** Only referrers in these tiers earn at this level; null: all. */
  tiers: ReadonlySet<string> | null;
}

export interface CommissionPlan {
  levels: readonly CommissionLevelPlan[];
  holdMs: number;
  perOrder: number | null;
  perReferrerPerMonth: number | null;
  /** Offers that pay commission. */
  offers: ReadonlySet<string>;
  /** The playbook's zone: monthly caps count calendar months there. */
  timezone: string;
}

export interface ReferralsPlan {
  /** A touch (invite click, code) older than this at the join is not attributed; null: no limit. */
  windowMs: number | null;
  model: 'first' | 'last';
  commissions: CommissionPlan | null;
  kol: { when: CompiledExpression; tier: string | null } | null;
}

function offersPaying(pb: ResolvedPlaybook, listed: readonly string[] | undefined): Set<string> {
  const offers = pb.offers ?? {};
  const candidates = listed ?? Object.keys(offers);
  return new Set(candidates.filter((id) => offers[id] !== undefined && offers[id]?.commission !== false));
}

/** The plan of a playbook's `referrals`, or undefined without one (the mechanic is off). */
export function compileReferrals(pb: ResolvedPlaybook): ReferralsPlan | undefined {
  const r = pb.referrals;
  if (r === undefined) return undefined;
  const problems: string[] = [];
  const attempt = <T>(where: string, f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      problems.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);
      return fallback;
    }
  };
  const window = r.attribution?.window;
  const windowMs =
    window === undefined ? null : attempt('referrals.attribution.window', () => durationMs(window), null);
  const c = r.commissions;
  const commissions: CommissionPlan | null =
    c === undefined
      ? null
      : {
          levels: c.levels.map((l, i) => ({
            bp: attempt(`referrals.commissions.levels[${i}].rate`, () => rateBasisPoints(l.rate), 0),
            tiers: l.tiers === undefined ? null : new Set(l.tiers),
          })),
          holdMs:
            c.hold === undefined ? 0 : attempt('referrals.commissions.hold', () => durationMs(c.hold!), 0),
          perOrder: typeof c.cap?.perOrder === 'number' ? c.cap.perOrder : null,
          perReferrerPerMonth:
            typeof c.cap?.perReferrerPerMonth === 'number' ? c.cap.perReferrerPerMonth : null,
          offers: offersPaying(pb, c.offers),
          timezone: pb.timezone ?? 'UTC',
        };
  const kol =
    r.kol === undefined
      ? null
      : {
          when: attempt(
            'referrals.kol.when',
            () => compileExpression(r.kol!.when),
            () => false,
          ),
          tier: r.kol.tier ?? null,
        };
  if (problems.length > 0) throw new PlaybookCompileError(problems);
  return {
    windowMs,
    model: r.attribution?.model ?? 'first',
    commissions,
    kol,
  };
}

/** The referrals plan of a compiled playbook, if the mechanic runs for it. */
export function referralsPlan(pb: CompiledPlaybook): ReferralsPlan | undefined {
  return pb.plans.get(REFERRALS) as ReferralsPlan | undefined;
}
