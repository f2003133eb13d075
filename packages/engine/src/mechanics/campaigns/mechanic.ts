import { defineMechanic } from '../types.js';
import { CAMPAIGNS, type CampaignsPlan, compileCampaigns } from './plan.js';
import { CAMPAIGN_SERVICES, CAMPAIGN_SETTLE } from './services.js';
import { CAMPAIGN_EVENTS } from './settle.js';

const DEADLINE = 'deadline:';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * Group buys and pre-sales (and offer stock). The ledger puts each order of such an offer in a
 * campaign round and decides payments against its threshold, cap and stock; this mechanic keeps
 * the round's deadline (a durable timer on the member whose order opened it: at the deadline the
 * round is settled — every order refunded or voided exactly once) and cancels a member's order
 * when its campaign failed.
 */
export const campaigns = defineMechanic<CampaignsPlan, undefined>({
  name: CAMPAIGNS,
  events: [CAMPAIGN_EVENTS.opened, CAMPAIGN_EVENTS.failed],
  compile: (pb) => compileCampaigns(pb),

  onEvent(_ctx, event) {
    const d = event.data;
    if (event.type === CAMPAIGN_EVENTS.opened) {
      const campaign = str(d.campaign);
      if (campaign === null || typeof d.deadline !== 'number') return undefined;
      return {
        timers: [{ name: `${DEADLINE}${campaign}`, at: d.deadline, data: { campaign, offer: d.offer } }],
      };
    }
    const orderId = str(d.orderId);
    return orderId === null ? undefined : { changes: [{ op: 'order', order: orderId, status: 'cancelled' }] };
  },

  onTimer(_ctx, name, data) {
    if (!name.startsWith(DEADLINE) || data === null) return undefined;
    const campaign = name.slice(DEADLINE.length);
    return {
      requests: [
        {
          service: CAMPAIGN_SETTLE,
          input: { campaign, offer: data.offer },
          reply: true,
          name: `settle:${campaign}`,
        },
      ],
    };
  },

  services: CAMPAIGN_SERVICES,
});
