// Writes the published JSON Schemas (schema/*.schema.json) from the TypeBox source.
// `pnpm --filter @kith/playbook schema`; a test fails when a file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PUBLISHED_SCHEMAS } from '../src/schema/json.js';

for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
  const out = fileURLToPath(new URL(`../schema/${name}`, import.meta.url));
  writeFileSync(out, `${JSON.stringify(schema(), null, 2)}\n`);
  console.log(`wrote ${out}`);
}
