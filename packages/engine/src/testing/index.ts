/** Test helpers for engine behaviour: a runtime on in-memory adapters with a virtual clock. */
export { createTestKit, loadPlaybook, type TestKit, type TestKitOptions } from './harness.js';
