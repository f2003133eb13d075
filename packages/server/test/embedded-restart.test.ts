import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../src/host/create-host.js';
import { jsonLogger } from '../src/obs/logger.js';
import { PlaybookService } from '../src/playbooks/service.js';
import { eventually, sandboxPlaybook } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'kith-restart-'));
const env = { KITH_SECRET_KEY: 'a'.repeat(64) };
const MEMBERS = 100;
const quiet = jsonLogger({ write: () => undefined });

/** The wall clock moved by `offset`: the second start happens "a day later". */
let offset = 0;
const clock = { now: () => Date.now() + offset };
const open = () => createHost({ mode: 'embedded', dataDir: dir, env, log: quiet, pollMs: 200, clock });
const texts = (h: Host) =>
  h.sandboxes
    .chatOf('t1', 'chat')
    ?.inbox()
    .map((m) => `${m.to.kind === 'member' ? m.to.address : '?'}:${m.text}`) ?? [];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded mode on PGlite survives a restart', () => {
  it(`fires each of ${MEMBERS} pending waits exactly once after a restart`, async () => {
    const first = await open();
    const { control } = first.deps;
    await control.createAgency({ id: 'acme', name: 'Acme' });
    await control.createTenant({ id: 't1', name: 'One', agency: 'acme' });
    await control.putSecret('t1', 'SANDBOX_TOKEN', 'restart-token');
    await control.createPlaybook('t1', 'welcome', sandboxPlaybook('welcome', { wait: '1d' }));
    await new PlaybookService(first.deps, first.plugins).publish(
      'acme',
      't1',
      'welcome',
      sandboxPlaybook('welcome', { wait: '1d' }),
      'test',
    );
    for (let i = 0; i < MEMBERS; i++) {
      await first.deps.engine.ingest('t1', {
        tenant: 't1',
        id: `join-${i}`,
        type: 'member.joined',
        member: `m${i}`,
      });
    }
    await first.settle();
    // every member is parked on the 1-day wait: the timers live only in the database now
    expect(texts(first).some((t) => t.includes('Still here'))).toBe(false);
    await first.close();

    offset = 24 * 3600_000 + 60_000;

    const second = await open();
    try {
      await eventually(
        () => expect(texts(second).filter((t) => t.includes('Still here')).length).toBe(MEMBERS),
        30_000,
      );
      // and nothing fires twice afterwards
      await new Promise((r) => setTimeout(r, 1500));
      await second.settle();
      const later = texts(second).filter((t) => t.includes('Still here'));
      expect(later).toHaveLength(MEMBERS);
      expect(new Set(later).size).toBe(MEMBERS);
      expect(await second.deps.engine.runtime.deadLetters('t1')).toEqual([]);
    } finally {
      await second.close();
    }
  }, 300_000);
});
