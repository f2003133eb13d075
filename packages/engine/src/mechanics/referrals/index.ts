/** Referrals: attribution, invite codes, the referral graph's counts, KOL detection, commissions. */
export type { Touch } from './attribution.js';
export { CODES, codeOwner } from './codes.js';
export { type CommissionDraft, commissionDrafts } from './commission.js';
export {
  createReferrals,
  REFERRAL_EVENTS,
  type ReferralState,
  type ReferralsOptions,
  referrals,
} from './mechanic.js';
export { type CommissionLevelPlan, type CommissionPlan, REFERRALS, type ReferralsPlan } from './plan.js';
export { rateBasisPoints } from './rate.js';
