export { CHECKIN_PREFIX, RITUAL_EVENTS, rituals } from './mechanic.js';
export type { RitualStanding } from './streak.js';
