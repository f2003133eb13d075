export { signals } from './mechanic.js';
export { type Counter, countMention } from './window.js';
