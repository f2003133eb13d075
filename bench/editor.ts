/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// bench/editor: builds the editor, prints the initial JS it ships (gzip) and, in headless
// Chromium, how long the board takes to render a generated 500-step playbook, next to a
// baseline measured in the same page: creating the same number of plain DOM elements.
// It also times keystroke → diagnostics shown in both views (YAML markers and marked cards): typing in a step (validated
// incrementally) and at the end of the file (a YAML error there is validated whole).
//   pnpm --filter @kith/bench editor [--steps 500] [--runs 9]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { benchArgs } from './args.js';
import { generatePlaybook } from './generate-playbook.js';

const { values } = parseArgs({
  args: benchArgs(),
  options: {
    steps: { type: 'string', default: '500' },
    runs: { type: 'string', default: '9' },
    'no-build': { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const runs = Number(values.runs);
const editorDir = fileURLToPath(new URL('../apps/editor/', import.meta.url));
const dist = join(editorDir, 'dist');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// 1. Build, then sum the scripts the first page load fetches: the entry and its static imports.
if (!values['no-build'])
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: editorDir, stdio: 'inherit' });
const indexHtml = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [
  ...indexHtml.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g),
].map((m) => m[1]!);
let raw = 0;
let gz = 0;
for (const src of new Set(initial)) {
  const bytes = readFileSync(join(dist, src.replace(/^\//, '')));
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}

// 2. Serve dist/ and answer the API with a fixed tenant and the generated playbook.
const text = generatePlaybook(steps);
const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
};
const server: Server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const p = url.pathname;
  if (p === '/api/v1/me')
    return json({ token: { id: 't', name: 'bench', role: 'agency-admin', agency: 'a', tenant: null } });
  if (p === '/api/v1/tenants')
    return json({ items: [{ id: 'demo', name: 'Demo', agency: 'a', createdAt: '' }] });
  if (p === '/api/v1/tenants/demo/playbooks')
    return json({
      items: [
        {
          id: 'bench',
          name: 'Bench',
          revision: 1,
          publishedVersion: null,
          updatedAt: '',
          errors: 0,
          warnings: 0,
        },
      ],
    });
  if (p === '/api/v1/tenants/demo/playbooks/bench')
    return json({
      id: 'bench',
      source: text,
      revision: 1,
      diagnostics: [],
      publishedVersion: null,
      versions: [],
    });
  if (p === '/api/v1/plugins' || p === '/api/v1/templates') return json({ items: [] });
  const file = normalize(join(dist, p === '/' ? 'index.html' : p));
  try {
    const body = readFileSync(file.startsWith(dist) ? file : join(dist, 'index.html'));
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(readFileSync(join(dist, 'index.html')));
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.addInitScript(() => {
    localStorage.setItem('kith.token', 'bench');
    localStorage.setItem('kith.lang', 'en');
  });
  await page.goto(`${origin}/#/playbooks/bench`);
  await page.locator('kith-board .step').first().waitFor({ timeout: 60_000 });
  await page.locator('kith-yaml-view .cm-content').waitFor({ timeout: 60_000 });

  // Board: from YAML text to the board laid out (parse + model + Lit render + layout), fresh DOM.
  const board = await page.evaluate(
    async ({ text, runs }) => {
      const ed = document
        .querySelector('kith-app')!
        .shadowRoot!.querySelector('kith-playbook-editor') as HTMLElement & {
        loadText(t: string): void;
        updateComplete: Promise<unknown>;
        model: unknown;
      };
      const boardEl = ed.shadowRoot!.querySelector('kith-board') as HTMLElement & {
        updateComplete: Promise<unknown>;
      };
      const times: number[] = [];
      const model: number[] = [];
      const base: number[] = [];
      let elements = 0;
      for (let i = 0; i < runs; i++) {
        ed.model = undefined;
        await ed.updateComplete;
        await boardEl.updateComplete;
        const t0 = performance.now();
        ed.loadText(`${text}# run ${i}\n`);
        model.push(performance.now() - t0);
        await ed.updateComplete;
        await boardEl.updateComplete;
        boardEl.shadowRoot!.querySelector('.columns')!.getBoundingClientRect();
        times.push(performance.now() - t0);
        elements = boardEl.shadowRoot!.querySelectorAll('*').length;
        // Baseline: the same number of plain elements with a text each, appended and laid out.
        const host = document.createElement('div');
        const t1 = performance.now();
        for (let k = 0; k < elements; k++) {
          const el = document.createElement('div');
          el.textContent = `step ${k}`;
          host.appendChild(el);
        }
        document.body.appendChild(host);
        host.getBoundingClientRect();
        base.push(performance.now() - t1);
        host.remove();
      }
      return { times, model, base, elements };
    },
    { text, runs },
  );

  // Keystroke → diagnostics in the YAML view. Three places, each typed into `runs` times (at most 9):
  // - in a step in the middle of the file: `x` after `via: group` (breaks the reference: one
  //   diagnostic), then Backspace (valid again), alternately — validated incrementally;
  // - a new field of a step being typed: letters on a new line under `wait: 1d12h` in the middle
  //   of the file (a YAML error in that journey until the colon), then erased — read whole, but
  //   without first trying the fast path;
  // - at the end of the file: `x`, then a newline, … (a YAML syntax error at the top level, which
  //   is validated the whole way, as every keystroke was before incremental validation).
  const content = page.locator('kith-yaml-view .cm-content');
  const middle = text.indexOf('via: group', Math.floor(text.length / 2)) + 'via: group'.length;
  const fieldAt = text.indexOf('wait: 1d12h', Math.floor(text.length / 2)) + 'wait: 1d12h'.length;
  async function keystrokes(
    place: 'step' | 'field' | 'end',
  ): Promise<{ latencies: number[]; fromChange: number[]; workerMs: number[] }> {
    const latencies: number[] = [];
    const fromChange: number[] = [];
    const workerMs: number[] = [];
    await content.click();
    if (place === 'end') await page.keyboard.press('Control+End');
    else
      await page.evaluate(
        (offset) => {
          const ed = document.querySelector('kith-app')!.shadowRoot!.querySelector('kith-playbook-editor')!;
          const view = ed.shadowRoot!.querySelector('kith-yaml-view') as HTMLElement & {
            reveal(offset: number): void;
          };
          view.reveal(offset);
        },
        place === 'step' ? middle : fieldAt,
      );
    // A new line for the field (CodeMirror indents it like the line above).
    if (place === 'field') {
      await page.keyboard.press('Enter');
      await page.waitForTimeout(500);
    }
    for (let i = 0; i < Math.min(runs, 9); i++) {
      // Let the board catch up with the previous keystroke (it is re-read after the diagnostics).
      await page.waitForTimeout(500);
      const waitFor = page.evaluate(
        () =>
          new Promise<{ at: number; changed: number; ms: number }>((resolve) => {
            const ed = document.querySelector('kith-app')!.shadowRoot!.querySelector('kith-playbook-editor')!;
            // When CodeMirror hands the new text to the editor (the keystroke reached the page).
            let changed = Number.NaN;
            ed.shadowRoot!.addEventListener(
              'yaml-change',
              () => {
                changed = performance.now();
              },
              { once: true, capture: true },
            );
            // Diagnostics are shown once both views have rendered them: the editor, then the
            // YAML view (CodeMirror's markers) and the board (marked cards).
            type Lit = HTMLElement & { updateComplete: Promise<unknown> };
            ed.addEventListener(
              'kith-validated',
              async (e) => {
                const ms = (e as CustomEvent<{ ms: number }>).detail.ms;
                await (ed as Lit).updateComplete;
                const root = ed.shadowRoot!;
                await Promise.all(
                  ['kith-yaml-view', 'kith-board']
                    .map((tag) => root.querySelector(tag) as Lit | null)
                    .map((el) => el?.updateComplete),
                );
                resolve({ at: performance.now(), changed, ms });
              },
              { once: true },
            );
          }),
      );
      const start = await page.evaluate(() => performance.now());
      if (place === 'step') await page.keyboard.press(i % 2 === 0 ? 'x' : 'Backspace');
      else if (place === 'field') await page.keyboard.press('sendabcde'[i]!);
      else await page.keyboard.type(i % 2 === 0 ? 'x' : '\n');
      const done = await waitFor;
      latencies.push(done.at - start);
      fromChange.push(done.at - done.changed);
      workerMs.push(done.ms);
    }
    if (place === 'field') {
      // Erase the field and its line, so the end of the file is as generated.
      for (let i = 0; i <= Math.min(runs, 9); i++) await page.keyboard.press('Backspace');
      await page.waitForTimeout(800);
    }
    return { latencies, fromChange, workerMs };
  }
  const inStep = await keystrokes('step');
  const inField = await keystrokes('field');
  const atEnd = await keystrokes('end');

  const b = median(board.times);
  const base = median(board.base);
  console.log(
    `editor bundle (vite build): initial JS ${(raw / 1024).toFixed(1)} KiB, gzip ${(gz / 1024).toFixed(1)} KiB (goal ≤ 150 KiB; YAML view, validation worker and panels load later)`,
  );
  console.log(
    `playbook: ${steps} steps, ${text.split('\n').length} lines; board DOM: ${board.elements} elements; ${runs} runs, medians`,
  );
  console.log(`board render (YAML → laid out)   ${b.toFixed(1)} ms (goal < 300 ms)`);
  console.log(`  of which YAML parse + board model ${median(board.model).toFixed(1)} ms`);
  console.log(`baseline: ${board.elements} plain divs         ${base.toFixed(1)} ms`);
  console.log(`ratio (board / baseline)          ${(b / base).toFixed(1)}`);
  for (const [label, r, note] of [
    ['in a step ', inStep, 'incremental'],
    ['new field ', inField, 'a YAML error in a journey: validated whole, no fast path'],
    ['at the end', atEnd, 'a YAML error at the top level: validated whole'],
  ] as const) {
    console.log(`keystroke → diagnostics, ${label} ${median(r.latencies).toFixed(1)} ms (goal ≤ 50 ms)`);
    console.log(
      `  of which text change → diagnostics ${median(r.fromChange).toFixed(1)} ms, worker validation ${median(r.workerMs).toFixed(1)} ms (${note})`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
