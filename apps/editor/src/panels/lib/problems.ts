/** A problem to show next to a field: a message key of `panels.*` and its values, worded at render time. */
export interface Problem {
  key: string;
  params?: Record<string, string | number>;
}
