/**
 * @kith/sdk/testing — the plugin test kit: the channel contract suite every channel plugin
 * passes, fake-provider types, a test context, and a harness that runs plugins under a playbook
 * on the engine with a virtual clock. Imports vitest: use it from tests only.
 */
export { type ContractOptions, channelContractSuite } from './contract.js';
export type { FakeFailure, FakeHappening, FakeProvider, FakeReceived } from './fake-provider.js';
export {
  type DeliveryRecord,
  type PlaybookRun,
  type PlaybookRunOptions,
  runPluginUnderPlaybook,
} from './harness.js';
export { createTestContext, type TestContextOptions } from './test-context.js';
