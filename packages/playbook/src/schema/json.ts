import { Playbook } from './playbook.js';
import { SimulationProfile } from './simulation.js';
import { PlaybookTest } from './testcase.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function plain(schema: unknown): Record<string, unknown> {
  // TypeBox marks schemas with symbols; JSON drops them.
  return { $schema: JSON_SCHEMA_DIALECT, ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>) };
}

/** The playbook JSON Schema as a plain JSON value, draft 2020-12. */
export function playbookJsonSchema(): Record<string, unknown> {
  return plain(Playbook);
}

/** The JSON Schema of playbook test files (`*.test.yaml`). */
export function playbookTestJsonSchema(): Record<string, unknown> {
  return plain(PlaybookTest);
}

/** The JSON Schema of simulation profiles (`simulation.yaml`). */
export function simulationJsonSchema(): Record<string, unknown> {
  return plain(SimulationProfile);
}

/** Every published schema, by file name under packages/playbook/schema/. */
export const PUBLISHED_SCHEMAS: Record<string, () => Record<string, unknown>> = {
  'playbook.schema.json': playbookJsonSchema,
  'playbook-test.schema.json': playbookTestJsonSchema,
  'simulation.schema.json': simulationJsonSchema,
};
