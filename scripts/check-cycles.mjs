// Fails when any package's source has an import cycle (madge resolves `.js` imports to `.ts`).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = [];
for (const dir of ['packages', 'packages/plugins', 'apps']) {
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const src = join(dir, name, 'src');
    if (existsSync(src)) roots.push(src);
  }
}
try {
  execFileSync(
    'npx',
    [
      'madge',
      '--circular',
      '--no-spinner',
      '--extensions',
      'ts',
      '--ts-config',
      'tsconfig.base.json',
      ...roots,
    ],
    { stdio: 'inherit' },
  );
} catch {
  console.error('\nImport cycles found: break them (a module must not import the index that imports it).');
  process.exit(1);
}
