import { Playbook } from './playbook.js';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The playbook JSON Schema as a plain JSON value (TypeBox symbols dropped), draft 2020-12. */
export function playbookJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(Playbook)) as Record<string, unknown>;
  return { $schema: JSON_SCHEMA_DIALECT, ...plain };
}
