/** A plugin (or action) defined wrongly: every problem found, so one run shows them all. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
  readonly problems: readonly string[];

  constructor(where: string, problems: readonly string[]) {
    super(
      problems.length === 1
        ? `${where}: ${problems[0]}`
        : `${where}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}
