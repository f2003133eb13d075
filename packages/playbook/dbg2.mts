import { readFileSync } from 'node:fs';
import { validatePlaybookText } from './src/index.ts';
const t = readFileSync(process.argv[2]!, 'utf8');
const t0 = performance.now();
const r = validatePlaybookText(t, 'fuzz.yaml', {});
console.log('ms', performance.now() - t0);
for (const d of r.diagnostics) console.log(d.code, d.line, d.column, d.endLine, d.endColumn, d.offset, d.endOffset, d.path, d.message.slice(0, 150));
