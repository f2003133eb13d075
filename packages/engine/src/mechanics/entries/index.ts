export { entries } from './mechanic.js';
