/** @kith/payment-sandbox — payments that pay, fail or refund by rule, for demos, tests and simulation. */
export { SandboxConfig } from './config.js';
export { sandboxPayments } from './plugin.js';
export {
  createSandboxProvider,
  type SandboxEvent,
  type SandboxProvider,
  type SandboxState,
} from './provider.js';
export { type Plan, planFor, unit } from './rules.js';
export { type SandboxServer, type SandboxServerOptions, startSandboxServer } from './server.js';
