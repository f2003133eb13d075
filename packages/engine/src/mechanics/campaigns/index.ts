/** Group buys and pre-sales: rounds that succeed at a threshold or are refunded at a deadline. */
export { campaigns } from './mechanic.js';
export { CAMPAIGNS, type CampaignSpec, type CampaignsPlan, type Deadline, type OfferLimits } from './plan.js';
export { type CampaignRound, type OfferSales, type Participant, SALES } from './sales.js';
export { CAMPAIGN_SETTLE } from './services.js';
export { CAMPAIGN_EVENTS } from './settle.js';
export { readSales } from './store.js';
