import type { Severity } from '../diagnostics.js';

export type IssueArgs = Record<string, string | number>;

/**
 * A problem before it is located and worded: either at an offset range of the file being read,
 * or at a JSON path of the resolved playbook (located later through the value's origins).
 */
export type Issue =
  | { code: string; at: { offset: number; endOffset: number }; args: IssueArgs; severity?: Severity }
  | {
      code: string;
      at: { path: readonly (string | number)[]; key?: boolean; within?: { offset: number; length: number } };
      args: IssueArgs;
      severity?: Severity;
    };

export function pathIssue(
  code: string,
  path: readonly (string | number)[],
  args: IssueArgs = {},
  options: { key?: boolean; within?: { offset: number; length: number }; severity?: Severity } = {},
): Issue {
  const { severity, ...at } = options;
  return { code, at: { path: [...path], ...at }, args, ...(severity ? { severity } : {}) };
}
