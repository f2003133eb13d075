/**
 * The editor end to end, against a real `kith serve` (embedded, demo seed) in headless Chromium.
 * Screenshots land in tests/e2e/artifacts/ (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Kith, startKith } from './harness.js';

let kith: Kith;
let page: Page;

/** The YAML the editor holds now (CodeMirror renders only the visible lines). */
function editorText(): Promise<string> {
  return page.evaluate(() => {
    const app = document.querySelector('kith-app')!.shadowRoot!;
    return (app.querySelector('kith-playbook-editor') as HTMLElement & { text: string }).text;
  });
}

function comments(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'));
}

/**
 * Puts the YAML cursor at the end of the line of `needles` found one after the other (as an
 * operator would with the search panel: Ctrl+F, type, Enter, Escape).
 */
async function cursorAfter(...needles: string[]): Promise<void> {
  await page.locator('kith-yaml-view .cm-content').click();
  await page.keyboard.press('Control+Home');
  for (const needle of needles) {
    await page.keyboard.press('Control+f');
    await page.locator('kith-yaml-view .cm-search input[name="search"]').waitFor();
    await page.keyboard.press('Control+a');
    await page.keyboard.type(needle);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('End');
}

async function openPlaybook(id: string): Promise<void> {
  await page.goto(`${kith.url}/#/playbooks/${id}`);
  await page.locator('kith-board .step, #token').first().waitFor({ timeout: 90_000 });
  if (await page.locator('#token').isVisible()) {
    await page.locator('#token').fill(kith.token);
    await page.locator('form.signin button[type=submit]').click();
  }
  await page.locator('kith-board .step').first().waitFor({ timeout: 90_000 });
  await page.locator('kith-yaml-view .cm-content').waitFor({ timeout: 90_000 });
}

beforeAll(async () => {
  kith = await startKith();
  page = kith.page;
}, 600_000);

afterAll(async () => {
  await kith?.close();
});

describe('the Kith editor against kith serve', { timeout: 240_000 }, () => {
  it('signs in with the admin token and lists the demo playbooks', async () => {
    await page.goto(kith.url);
    await page.locator('#token').fill('not-a-token');
    await page.locator('form.signin button[type=submit]').click();
    await expect.poll(() => page.locator('form.signin [role=alert]').innerText()).toContain('did not accept');
    await page.locator('#token').fill(kith.token);
    await page.locator('form.signin button[type=submit]').click();
    await page.locator('nav.list a').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('nav.list a').count()).toBe(8);
    expect(await page.locator('#tenant').inputValue()).toBe('demo');
    await kith.shot('01-signed-in');
  });

  it('creates a client playbook from a template and edits an inherited step as an override', async () => {
    await page.locator('header nav a', { hasText: 'Templates' }).click();
    const use = page.locator('[data-testid=template-card][data-template=reading-club] [data-testid=template-use]');
    await use.click({ timeout: 60_000 });
    await page.locator('[data-testid=template-playbook-id]').fill('pilot-club');
    await page.locator('[data-testid=template-create]').click();
    await page.waitForURL(/#\/playbooks\/pilot-club/, { timeout: 60_000 });
    const inherited = page.locator('kith-board .journey', { hasText: 'From the template' });
    await inherited.first().waitFor({ timeout: 90_000 });
    await kith.shot('02-from-template');

    await page.locator('kith-board .step[data-step="choose"]').click({ position: { x: 8, y: 8 } });
    const text = page.locator('kith-step-panel #send-text');
    await text.fill('Welcome to the pilot club, {{ member.name }}!');
    await text.press('Tab');
    await expect.poll(editorText).toContain('welcome.choose:');
    const yaml = await editorText();
    expect(yaml).toContain('Welcome to the pilot club, {{ member.name }}!');
    expect(yaml).toContain("# Built on the template @kith/templates/reading-club; values here win over the template's.");
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state')).toBe('saved');
    const saved = await kith.api<{ source: string; diagnostics: { severity: string }[] }>('GET', '/api/v1/tenants/demo/playbooks/pilot-club');
    expect(saved.source).toContain('Welcome to the pilot club');
    expect(saved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('edits a step on the board: the YAML changes and keeps every comment', async () => {
    await openPlaybook('reading-club');
    const before = await editorText();
    await page.locator('kith-board .step[data-step="choose"]').click({ position: { x: 8, y: 8 } });
    const text = page.locator('kith-step-panel #send-text');
    await text.fill('Pick your rituals: reading, exercise or both?');
    await text.press('Tab');
    await expect.poll(editorText).toContain('Pick your rituals: reading, exercise or both?');
    const after = await editorText();
    expect(comments(after)).toEqual(comments(before));
    expect(after.split('\n').length).toBe(before.split('\n').length);
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state')).toBe('saved');
    const saved = await kith.api<{ source: string }>('GET', '/api/v1/tenants/demo/playbooks/reading-club');
    expect(saved.source).toBe(after);
    await kith.shot('03-board-edit');
  });

  it('edits the YAML: the board follows', async () => {
    await cursorAfter('- id: save-choice');
    await page.keyboard.type('-v2');
    await page.locator('kith-board .step[data-step="save-choice-v2"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('kith-board .step[data-step="save-choice"]').count()).toBe(0);
    await kith.shot('04-yaml-edit');
  });

  it('shows a mistake at its line in the YAML and on its card', async () => {
    await cursorAfter('- id: remind', 'via: wecom');
    await page.keyboard.type('x');
    const text = await editorText();
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('via: wecomx')) + 1;
    expect(lines.slice(line - 3, line).join('\n')).toContain('- id: remind');
    await page.locator('kith-yaml-view .cm-lintRange-error').first().waitFor({ timeout: 60_000 });
    const problem = page.locator('kith-playbook-editor .problems button').first();
    await expect.poll(() => problem.innerText()).toMatch(new RegExp(`^${line}:\\d+ channel \`wecomx\` is not defined`));
    // The card of the step that says `via: wecomx` is marked, and so is its journey.
    await expect.poll(() => page.locator('kith-board .step.mark-error').first().getAttribute('data-step')).toBe('remind');
    expect(await page.locator('kith-playbook-editor .counts').innerText()).toMatch(/^1 errors/);
    await kith.shot('05-error');
    await page.keyboard.press('Backspace');
    await expect.poll(() => page.locator('kith-playbook-editor .counts').innerText(), { timeout: 60_000 }).toBe('No problems');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state')).toBe('saved');
  });

  it('reorders steps from the keyboard and adds one from the palette', async () => {
    await openPlaybook('reading-club');
    const step = page.locator('kith-board .step[data-step="choose"]');
    await step.focus();
    await page.keyboard.press('Alt+ArrowUp');
    const order = () =>
      page
        .locator('kith-board .journey')
        .first()
        .locator(':scope > ol > .step')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    await expect.poll(async () => (await order()).slice(0, 2)).toEqual(['choose', 'covenant']);
    await page.locator('kith-palette button[data-palette="kind:score"]').click();
    await expect.poll(async () => (await order()).slice(0, 3)).toEqual(['choose', 'score', 'covenant']);
    expect(await editorText()).toContain('          - id: score\n            score: 10\n');
  });

  it('drags a journey to another stage and a step into a branch', async () => {
    const journeysOf = (stage: string) =>
      page
        .locator(`kith-board .stage[data-stage=${stage}] .journey`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-journey')));
    const welcome = page.locator('kith-board .journey[data-journey=welcome] > header');
    const expandList = page.locator('kith-board .stage[data-stage=expand] ol.journeys');
    await welcome.dragTo(expandList, { targetPosition: { x: 20, y: 5 } });
    await expect.poll(() => journeysOf('expand')).toContain('welcome');
    expect(await journeysOf('attract')).not.toContain('welcome');
    const text = await editorText();
    const expandAt = text.search(/^ {2}expand:$/m);
    const welcomeAt = text.search(/^ {6}- journey: welcome$/m);
    expect(expandAt).toBeGreaterThan(0);
    expect(welcomeAt).toBeGreaterThan(expandAt);
    // Into the `then` branch of the `place` step.
    const score = page.locator('kith-board .step[data-step="score"]');
    const thenList = page.locator('kith-board .step[data-step="place"] .branch').first().locator('ol.steps');
    await score.dragTo(thenList, { targetPosition: { x: 20, y: 4 } });
    await expect
      .poll(() => page.locator('kith-board .step[data-step="place"] .branch').first().locator('.step').first().getAttribute('data-step'))
      .toBe('score');
    await kith.shot('05b-dragged');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state')).toBe('saved');
  });

  it('runs a simulation and shows the funnel', async () => {
    await page.goto(`${kith.url}/#/simulation/reading-club`);
    await page.locator('[data-testid=sim-form]').waitFor({ timeout: 90_000 });
    await page.locator('[data-testid=sim-members]').fill('200');
    await page.locator('[data-testid=sim-days]').fill('14');
    await page.locator('[data-testid=sim-run]').click();
    await page.locator('[data-testid=sim-funnel]').waitFor({ timeout: 240_000 });
    await kith.shot('06-simulation');
  });

  it('publishes, then a sandbox member moves through the live counts', async () => {
    await page.goto(`${kith.url}/#/playbooks/reading-club/versions`);
    await page.locator('[data-testid=versions-publish]').click({ timeout: 90_000 });
    await page.locator('[data-testid=versions-publish-confirm]').click({ timeout: 90_000 });
    await expect
      .poll(async () => (await kith.api<{ publishedVersion: number | null }>('GET', '/api/v1/tenants/demo/playbooks/reading-club')).publishedVersion, {
        timeout: 90_000,
      })
      .toBe(1);
    await page.goto(`${kith.url}/#/live`);
    const attract = page.locator('[data-testid=live-stages] tr[data-stage=attract] td.num').last();
    await attract.waitFor({ timeout: 90_000 });
    const before = Number((await attract.innerText()).replace(/\D/g, '') || '0');
    await kith.api('POST', '/api/v1/tenants/demo/events', { type: 'member.joined', member: 'e2e-reader-1', data: { name: 'Ada' } });
    await expect
      .poll(async () => Number((await attract.innerText()).replace(/\D/g, '') || '0'), { timeout: 90_000 })
      .toBeGreaterThan(before);
    await page.locator('[data-testid=live-journey][data-journey=welcome]').waitFor({ timeout: 30_000 });
    await kith.shot('07-live');
  });

  it('switches to 简体中文', async () => {
    await openPlaybook('reading-club');
    await page.locator('header select[aria-label="Language"]').selectOption('zh-CN');
    await expect.poll(() => page.locator('header nav').innerText()).toContain('剧本');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.locator('kith-playbook-editor .toolbar button.primary').innerText()).toBe('保存');
    expect(await page.locator('kith-palette button[data-palette="kind:send"]').innerText()).toBe('发送消息');
    await kith.shot('08-zh-CN');
    await page.reload();
    await expect.poll(() => page.locator('header nav').innerText(), { timeout: 60_000 }).toContain('模板');
  });
});
