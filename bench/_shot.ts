import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
const dist = '/work/main/apps/editor/dist';
const text = readFileSync('/work/main/playbooks/mother-baby/playbook.yaml', 'utf8');
const server = createServer((req, res) => {
  const p = new URL(req.url ?? '/', 'http://x').pathname;
  const json = (b: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(b)); };
  if (p === '/api/v1/me') return json({ token: { id: 't', name: 'bench', role: 'agency-admin', agency: 'a', tenant: null } });
  if (p === '/api/v1/tenants') return json({ items: [{ id: 'demo', name: 'Demo', agency: 'a', createdAt: '' }] });
  if (p === '/api/v1/tenants/demo/playbooks') return json({ items: [{ id: 'mb', name: 'Mother baby', revision: 1, publishedVersion: null, updatedAt: '', errors: 0, warnings: 0 }] });
  if (p === '/api/v1/tenants/demo/playbooks/mb') return json({ id: 'mb', source: text, revision: 1, diagnostics: [], publishedVersion: null, versions: [] });
  if (p === '/api/v1/plugins' || p === '/api/v1/templates') return json({ items: [] });
  const file = normalize(join(dist, p === '/' ? 'index.html' : p));
  try { const body = readFileSync(file); res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'text/html' }); res.end(body); }
  catch { res.writeHead(200, { 'content-type': 'text/html' }); res.end(readFileSync(join(dist, 'index.html'))); }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => console.error('page error:', e.message));
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log('console:', m.text()); });
await page.goto(origin);
await page.screenshot({ path: '/tmp/shot-signin.png' });
await page.fill('#token', 'x');
await page.click('button[type=submit]');
await page.goto(`${origin}/#/playbooks/mb`);
await page.locator('kith-board .step').first().waitFor({ timeout: 60000 });
await page.locator('kith-yaml-view .cm-content').waitFor({ timeout: 60000 });
await page.waitForTimeout(2000);
const log = (...a: unknown[]) => console.log(...a);
await page.locator('kith-board .step[data-step="hello"]').click({ position: { x: 10, y: 8 } });
const field = page.locator('kith-step-panel #send-text');
await field.fill('Hello from the board {{ member.name }}');
await field.press('Tab');
await page.waitForTimeout(800);
const yamlText = await page.locator('kith-yaml-view .cm-content').innerText();
log('yaml has new text:', yamlText.includes('Hello from the board'), 'comment kept:', yamlText.includes('# 两天没选'));
// keyboard reorder
await page.locator('kith-board .step[data-step="hello"]').focus();
await page.keyboard.press('Alt+ArrowDown');
await page.waitForTimeout(800);
const order = await page.locator('kith-board .journey').first().locator(':scope > ol > .step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
log('order after Alt+Down:', order.slice(0, 3));
// palette add
await page.locator('kith-palette button[data-palette="kind:tag"]').click();
await page.waitForTimeout(800);
log('tag step added:', await page.locator('kith-board .step[data-step="tag"]').count());
// yaml edit -> board
await page.locator('kith-yaml-view .cm-content').click();
await page.keyboard.press('Control+f');
await page.waitForTimeout(300);
await page.keyboard.type('id: settled');
await page.keyboard.press('Enter');
await page.keyboard.press('Escape');
await page.keyboard.press('End');
await page.keyboard.type('-now');
await page.waitForTimeout(1500);
log('board shows settled-now:', await page.locator('kith-board .step[data-step="settled-now"]').count());
// error
await page.keyboard.press('Control+f');
await page.keyboard.type('via: wecom');
await page.keyboard.press('Enter');
await page.keyboard.press('Escape');
await page.keyboard.press('End');
await page.keyboard.type('x');
await page.waitForTimeout(4000);
log('lint errors:', await page.locator('kith-yaml-view .cm-lintRange-error').count(), 'marked cards:', await page.locator('kith-board .step.mark-error').count());
log('status:', await page.locator('kith-playbook-editor .counts').innerText());
await page.screenshot({ path: '/tmp/shot-board.png' });
await page.locator('header select').last().selectOption('zh-CN');
await page.waitForTimeout(500);
log('nav zh:', await page.locator('header nav').innerText());
await page.screenshot({ path: '/tmp/shot-zh.png' });
await browser.close(); server.close();
