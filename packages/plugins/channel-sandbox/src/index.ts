/**
 * @kith/channel-sandbox — an in-memory chat channel: every send lands in an inbox, simulated
 * members reply, click, join and leave, groups have capacities, and failures can be injected.
 */
export { DEV_SIGNING_SECRET, DEV_TOKEN, SandboxConfig } from './config.js';
export { sandboxFake } from './fake.js';
export { sandboxChannel, sandboxChannel as default } from './plugin.js';
export type { FaultOptions, SandboxFailure } from './provider/faults.js';
export {
  type ActivityOptions,
  activityRequest,
  type SandboxActivity,
  type SimulatedMember,
} from './provider/members.js';
export { createSandbox, type Sandbox, type SandboxOptions } from './provider/sandbox.js';
export type {
  SandboxAddress,
  SandboxButton,
  SandboxGroup,
  SandboxInvite,
  SandboxMessage,
} from './provider/state.js';
