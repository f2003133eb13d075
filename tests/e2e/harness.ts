/**
 * A real Kith for browser tests: `serve()` in embedded mode (PGlite in a temp dir, the demo
 * agency seeded with every template on the sandbox channel, an admin token), serving a fresh
 * build of the editor, and headless Chromium at 1280×800.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Serving, serve } from '@kith/server';
import { type Browser, chromium, type Page } from 'playwright-core';

export const EDITOR_DIR = fileURLToPath(new URL('../../apps/editor/', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

export interface Kith {
  url: string;
  token: string;
  serving: Serving;
  browser: Browser;
  page: Page;
  /** Calls the API with the admin token. */
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startKith(): Promise<Kith> {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: EDITOR_DIR, stdio: 'inherit' });
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'kith-e2e-editor-'));
  const serving = await serve({
    port: 0,
    dataDir,
    editorDir: join(EDITOR_DIR, 'dist'),
    log: { log: () => {} },
  });
  const token = serving.seeded?.token;
  if (!token) throw new Error('serve() did not seed the demo agency: no admin token');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('kith.e2e')) {
      sessionStorage.setItem('kith.e2e', '1');
      localStorage.setItem('kith.lang', 'en');
    }
  });
  const url = serving.url;
  return {
    url,
    token,
    serving,
    browser,
    page,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async shot(name: string) {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    async close() {
      if (errors.length > 0) console.error('page errors:', errors);
      await browser.close();
      await serving.close(500);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
