import type { Diagnostic, PlaybookHost } from '@kith/playbook/browser';
import type { Mechanic } from '../mechanics/types.js';

/** How the runner reaches files: `nodeHost` from `@kith/playbook` on Node, the editor's own elsewhere. */
export type TestHost = PlaybookHost;

export interface RunTestOptions {
  /** Reads the playbook under test (and the templates it extends). */
  host: TestHost;
  /** Mechanics the runtime runs (default: the engine's DEFAULT_MECHANICS). */
  mechanics?: readonly Mechanic[];
}

/** A message delivered during the test, as failures show it. */
export interface SentMessage {
  /**
   * The member it was for: the recipient of a direct message, the referrer of a `to: referrer`
   * message, the member whose journey posted a group message; null for community messages.
   */
  to: string | null;
  kind: 'member' | 'group' | 'referrer' | 'community';
  /** Channel instance. */
  via: string;
  /** `journey.step` that sent it, or null (a mechanic's message). */
  step: string | null;
  text: string;
  /** Delivery time, ISO 8601 (UTC). */
  at: string;
}

/**
 * An expectation that did not hold, as a diagnostic at the expectation in the test file, with
 * what was expected, what was found, and the messages sent in the window it looked at.
 */
export interface TestFailure extends Diagnostic {
  /** The timeline moment (`at`) the expectation belongs to. */
  moment: string;
  expected: unknown;
  actual: unknown;
  /** Where the window of `sent` began: the previous `expect`'s moment, or `start`. */
  since: string;
  /** Messages delivered since the previous `expect` (what a `messages` expectation looked at). */
  sent: SentMessage[];
}

export type TestStatus = 'passed' | 'failed' | 'invalid';

export interface PlaybookTestResult {
  /** The test file. */
  file: string;
  /** The test's `name` (the file name when the file cannot be read). */
  name: string;
  /** `invalid`: the test file or its playbook has errors (see `diagnostics`), nothing ran. */
  status: TestStatus;
  durationMs: number;
  /** Expectations checked (each member/field of an `expect` counts once). */
  checks: number;
  failures: TestFailure[];
  /** Problems that kept the test from running, in the test file or the playbook. */
  diagnostics: Diagnostic[];
  /** Path → text of every file read, for code frames. */
  sources: Map<string, string>;
}
