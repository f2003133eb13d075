import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../src/obs/logger.js';
import { serve } from '../src/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'kith-serve-'));
const editor = join(dir, 'editor');
mkdirSync(join(editor, 'assets'), { recursive: true });
writeFileSync(join(editor, 'index.html'), '<!doctype html><title>Kith editor</title>');
writeFileSync(join(editor, 'assets', 'app-1234.js'), 'console.log("editor")');
const dataDir = join(dir, 'data');
const logs: string[] = [];
const log = jsonLogger({ write: (l) => logs.push(l) });
const env = { KITH_SECRET_KEY: 'b'.repeat(64) };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kith serve (embedded, first start)', () => {
  it('seeds the demo once, serves the API and the editor, and stops cleanly', async () => {
    const first = await serve({ port: 0, dataDir, editorDir: editor, env, log });
    try {
      expect(first.seeded?.playbooks).toHaveLength(8);
      expect(first.seeded?.published).toBe('mother-baby');
      const token = first.seeded?.token ?? '';
      expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
      expect(statSync(join(dataDir, 'admin-token')).mode & 0o077).toBe(0);
      expect(logs.join('\n')).not.toContain(token);

      const auth = { authorization: `Bearer ${token}` };
      const list = (await (
        await fetch(`${first.url}/api/v1/tenants/demo/playbooks`, { headers: auth })
      ).json()) as {
        items: { id: string; errors: number; live: boolean }[];
      };
      expect(list.items).toHaveLength(8);
      expect(list.items.filter((p) => p.errors > 0)).toEqual([]);
      expect(list.items.filter((p) => p.live).map((p) => p.id)).toEqual(['mother-baby']);

      const joined = await fetch(`${first.url}/api/v1/tenants/demo/events`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'j1', type: 'member.joined', member: 'mum-1' }),
      });
      expect(joined.status).toBe(202);
      await first.host.settle();
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);

      const page = await fetch(`${first.url}/playbooks/mother-baby`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Kith editor');
      const asset = await fetch(`${first.url}/assets/app-1234.js`);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await fetch(`${first.url}/../../etc/passwd`)).headers.get('content-type')).toContain(
        'text/html',
      );
      const apiMiss = await fetch(`${first.url}/api/v2/nothing`);
      expect(apiMiss.status).toBe(404);
      expect(apiMiss.headers.get('content-type')).toContain('problem+json');
    } finally {
      await first.close();
    }

    const again = await serve({ port: 0, dataDir, editorDir: editor, env, log });
    try {
      expect(again.seeded).toBeUndefined();
      const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
      const member = await fetch(`${again.url}/api/v1/tenants/demo/members/mum-1`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(member.status).toBe(200);
    } finally {
      await again.close();
    }
  }, 300_000);

  it('in memory: a throwaway server with the demo and a token shown only to the caller', async () => {
    const mem = await serve({ port: 0, mode: 'memory', editorDir: editor, env, log });
    try {
      expect(mem.seeded?.tokenFile).toBeUndefined();
      const me = await fetch(`${mem.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${mem.seeded?.token}` },
      });
      expect(((await me.json()) as { token: { role: string } }).token.role).toBe('agency-admin');
    } finally {
      await mem.close();
    }
  }, 120_000);
});
