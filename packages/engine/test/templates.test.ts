import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validatePlaybookText } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { createTestKit } from '../src/testing/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../playbooks');
const templates = existsSync(root)
  ? readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'playbook.yaml')))
      .map((d) => d.name)
  : [];

/** The template library runs on the engine: members join, talk and click for ten days without errors. */
describe.each(templates)('template %s', (name) => {
  const text = readFileSync(join(root, name, 'playbook.yaml'), 'utf8');
  const valid = validatePlaybookText(text, join(root, name, 'playbook.yaml')).playbook !== undefined;

  it.skipIf(!valid)('compiles and runs members through ten days', async () => {
    const kit = await createTestKit(text, { start: '2026-03-02T02:00:00Z', kernel: { trace: false } });
    const channel = Object.keys(kit.runtime.kernel('test').current.source.channels ?? {})[0] ?? 'none';
    for (let i = 0; i < 12; i++) {
      await kit.event('member.joined', `m${i}`, {
        name: `M${i}`,
        referrer: i > 0 ? 'm0' : undefined,
        channel,
        address: `u${i}`,
      });
    }
    for (let day = 0; day < 10; day++) {
      for (let i = 0; i < 12; i += 3) await kit.event('message.received', `m${i}`, { text: 'hello' });
      await kit.wait('1d');
    }
    expect(await kit.runtime.deadLetters('test')).toEqual([]);
    expect((await kit.member('m0')).stagesReached.length).toBeGreaterThanOrEqual(1);
    expect((await kit.member('m0')).profile.referrals).toBe(11);
  });
});
