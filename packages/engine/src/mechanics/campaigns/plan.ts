import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { PlaybookCompileError } from '../../compile/problems.js';
import type { CompiledPlaybook } from '../../compile/types.js';
import { durationMs } from '../../time/duration.js';

export const CAMPAIGNS = 'campaigns';

/** A fixed instant, or a duration after the round's first order. */
export type Deadline = { kind: 'at'; at: number } | { kind: 'after'; ms: number };

export interface CampaignSpec {
  kind: 'group-buy' | 'pre-sale';
  threshold: number;
  deadline: Deadline;
  maxOrders: number | null;
}

/** What limits an offer's sales: its stock, its campaign. */
export interface OfferLimits {
  stock: number | null;
  campaign: CampaignSpec | null;
}

export interface CampaignsPlan {
  /** Offers with a stock or a campaign. */
  offers: ReadonlyMap<string, OfferLimits>;
}

function deadlineOf(text: string, where: string, problems: string[]): Deadline {
  if (/^(?:\d{1,9}[smhdw])+$/.test(text)) return { kind: 'after', ms: durationMs(text) };
  const at = Date.parse(text);
  if (Number.isNaN(at)) problems.push(`${where}: '${text}' is neither an ISO date-time nor a duration`);
  return { kind: 'at', at: Number.isNaN(at) ? 0 : at };
}

/** The limits of a playbook's offers, or undefined when none has a stock or a campaign. */
export function compileCampaigns(pb: ResolvedPlaybook): CampaignsPlan | undefined {
  const offers = new Map<string, OfferLimits>();
  const problems: string[] = [];
  for (const [id, o] of Object.entries(pb.offers ?? {})) {
    const c = o.campaign;
    const stock = typeof o.stock === 'number' ? o.stock : null;
    if (c === undefined && stock === null) continue;
    const campaign: CampaignSpec | null =
      c === undefined
        ? null
        : {
            kind: c.kind,
            threshold: typeof c.threshold === 'number' ? c.threshold : 1,
            deadline: deadlineOf(c.deadline, `offers.${id}.campaign.deadline`, problems),
            maxOrders: typeof c.maxOrders === 'number' ? c.maxOrders : null,
          };
    offers.set(id, { stock, campaign });
  }
  if (problems.length > 0) throw new PlaybookCompileError(problems);
  return offers.size === 0 ? undefined : { offers };
}

export function campaignsPlan(pb: CompiledPlaybook): CampaignsPlan | undefined {
  return pb.plans.get(CAMPAIGNS) as CampaignsPlan | undefined;
}
