import { validatePlaybookText } from './src/index.ts';
const host = { resolveTemplate: (_f: string, s: string) => 'template.yaml', readFile: () => 'kith: 1\nid: template\nname: T\nstages: { attract: {} }\n' };
for (const t of ['! ith: 1\nid: client\nextends:\n  from: ./template.yaml\n', '{"kith":null,"extends":"x"}', '{"kith":null}', 'kith: 2\nextends: x\n', '{"kith": 2, "extends": "x"}']) {
  const r = validatePlaybookText(t, 'fuzz.yaml', { host });
  for (const d of r.diagnostics) console.log(JSON.stringify(t), d.code, d.file, d.line, d.column, d.offset, d.endOffset, d.path);
}
for (const t of ['kith: 1\nid: x\nname:', 'kith:\nid: x\nname: x\nstages:\n  attract:\n    journeys:\n      -\n']) {
  const r = validatePlaybookText(t, 'fuzz.yaml', { host });
  for (const d of r.diagnostics) console.log(JSON.stringify(t), d.code, d.file, d.line, d.column, d.offset, d.endOffset, d.path, d.message);
}
