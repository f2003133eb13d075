export { COVENANT_ACCEPT, COVENANT_ACCEPTED, covenant } from './acceptance.js';
export { MODERATION_EFFECTS, MODERATION_EVENTS, moderation } from './moderation.js';
