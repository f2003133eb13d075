import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeHost, validatePlaybookFile, validateSimulationText, validateTestText } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { runPlaybookTestFile } from '../src/playbook-tests/index.js';

/**
 * The template library's own test cases (`playbooks/<id>/tests/*.test.yaml`) and simulation
 * profiles: every template has both, its test cases pass, and between them they reach every stage.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../playbooks');
const templates = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'playbook.yaml')))
  .map((d) => d.name)
  .sort();

function testFiles(template: string): string[] {
  const dir = join(root, template, 'tests');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

const SCHEMA_LINE =
  '# yaml-language-server: $schema=../../../packages/playbook/schema/playbook-test.schema.json';

describe.each(templates)('template %s', (template) => {
  const files = testFiles(template);

  it('has test cases that expect every one of its stages', async () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const playbook = await validatePlaybookFile(join(root, template, 'playbook.yaml'));
    const stages = Object.keys(playbook.playbook?.stages ?? {});
    expect(stages).toEqual(['attract', 'activate', 'transact', 'expand']);
    const expected = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0]).toBe(SCHEMA_LINE);
      const test = validateTestText(text, file).value;
      for (const item of test?.timeline ?? [])
        for (const s of Object.values(item.expect?.stage ?? {})) expected.add(s);
    }
    expect([...expected].sort()).toEqual([...stages].sort());
  });

  it.each(files.map((f) => [f.slice(root.length + 1), f]))('%s passes', async (_name, file) => {
    const result = await runPlaybookTestFile(file, { host: nodeHost });
    const problems = [...result.diagnostics, ...result.failures].map(
      (d) => `${d.line}:${d.column} [${d.code}] ${d.message}`,
    );
    expect(problems).toEqual([]);
    expect(result.status).toBe('passed');
    expect(result.checks).toBeGreaterThan(0);
  });

  it('has a simulation profile that fits the playbook', async () => {
    const file = join(root, template, 'simulation.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../packages/playbook/schema/simulation.schema.json',
    );
    const profile = validateSimulationText(text, file);
    expect(profile.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([]);
    const value = profile.value!;
    const playbook = (await validatePlaybookFile(join(root, template, 'playbook.yaml'))).playbook!;
    // arrivals come through the template's own entries, with the source label those entries give
    for (const a of value.arrivals ?? []) {
      const entry = playbook.entries?.[a.entry ?? ''];
      expect(entry, `entry ${a.entry}`).toBeDefined();
      expect(a.source).toBe(entry?.source);
    }
    expect((value.arrivals ?? []).reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 6);
    // behaviour is given per tier of this template
    const tiers = Object.keys(playbook.tiers ?? {});
    for (const tier of Object.keys(value.behaviour ?? {})) expect(['default', ...tiers]).toContain(tier);
    // the attributes it synthesises are the ones the template shards groups and introduces by
    const used = new Set<string>();
    for (const g of Object.values(playbook.groups ?? {})) if (g.by !== undefined) used.add(g.by);
    const text2 = readFileSync(join(root, template, 'playbook.yaml'), 'utf8');
    for (const m of text2.matchAll(/by: \[([^\]]+)\]/g)) for (const a of m[1]!.split(',')) used.add(a.trim());
    for (const a of used) expect(Object.keys(value.attributes ?? {}), `attribute ${a}`).toContain(a);
  });
});
