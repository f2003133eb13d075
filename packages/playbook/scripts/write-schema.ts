// Writes the published JSON Schema (schema/playbook.schema.json) from the TypeBox source.
// `pnpm --filter @kith/playbook schema`; a test fails when the file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { playbookJsonSchema } from '../src/schema/json.js';

const out = fileURLToPath(new URL('../schema/playbook.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
