/**
 * Playbook test cases (`*.test.yaml`): load one, run it on the engine with a virtual clock, and get
 * back what failed, each failure positioned at its expectation in the test file. `kith test` and
 * the template library's own vitest suite are built on this.
 */
export { LEDGER_FIELDS, type LedgerField, type LedgerTotals } from './ledger.js';
export { type LoadedTest, type LoadResult, loadTest } from './load.js';
export { runPlaybookTest, runPlaybookTestFile } from './run.js';
export { DEFAULT_TEST_START } from './session.js';
export type {
  PlaybookTestResult,
  RunTestOptions,
  SentMessage,
  TestFailure,
  TestHost,
  TestStatus,
} from './types.js';
