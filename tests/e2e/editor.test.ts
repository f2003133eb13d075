/**
 * The editor end to end, against a real `kith serve` (embedded, demo seed) in headless Chromium.
 * Screenshots land in tests/e2e/artifacts/ (git-ignored).
 */

import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kith, startKith } from './harness.js';

let kith: Kith;
let page: Page;

/** The text a person sees in an element. */
function shown(l: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText (rendered text), not the DOM property.
  return l.innerText();
}

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
    await expect.poll(() => shown(page.locator('form.signin [role=alert]'))).toContain('did not accept');
    await page.locator('#token').fill(kith.token);
    await page.locator('form.signin button[type=submit]').click();
    await page.locator('nav.list a').first().waitFor({ timeout: 60_000 });
    expect(await page.locator('nav.list a').count()).toBe(8);
    expect(await page.locator('#tenant').inputValue()).toBe('demo');
    await kith.shot('01-signed-in');
  });

  it('creates a client playbook from a template and edits an inherited step as an override', async () => {
    await page.locator('header nav a', { hasText: 'Templates' }).click();
    const use = page.locator(
      '[data-testid=template-card][data-template=reading-club] [data-testid=template-use]',
    );
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
    expect(yaml).toContain(
      "# Built on the template @kith/templates/reading-club; values here win over the template's.",
    );
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state'))
      .toBe('saved');
    const saved = await kith.api<{ source: string; diagnostics: { severity: string }[] }>(
      'GET',
      '/api/v1/tenants/demo/playbooks/pilot-club',
    );
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
    await expect
      .poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state'))
      .toBe('saved');
    const saved = await kith.api<{ source: string }>('GET', '/api/v1/tenants/demo/playbooks/reading-club');
    expect(saved.source).toBe(after);
    await kith.shot('03-board-edit');
  });

  it('edits named values of a `set` step as rows, not as JSON', async () => {
    await page.locator('kith-board .step[data-step="save-choice"]').click({ position: { x: 8, y: 8 } });
    const rows = page.locator('kith-step-panel #set-value .map-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('input.map-key').inputValue()).toBe('rituals');
    await page.locator('kith-step-panel #set-value .map-add').click();
    await rows.nth(1).locator('input.map-key').fill('joinedVia');
    await rows.nth(1).locator('input.map-value').fill("'editor'");
    await rows.nth(1).locator('input.map-value').press('Tab');
    await expect.poll(editorText).toMatch(/save-choice\n\s+set:\n\s+rituals: .*\n\s+joinedVia: "'editor'"\n/);
    // a name that is not an attribute name is shown where it was typed
    await rows.nth(1).locator('input.map-key').fill('1st');
    await rows.nth(1).locator('input.map-key').press('Tab');
    await expect
      .poll(() => shown(page.locator('kith-step-panel .err').first()))
      .toContain('“1st” is not a valid name');
    await rows.nth(1).locator('button.map-remove').click();
    await expect.poll(editorText).not.toContain('joinedVia');
    expect(await rows.count()).toBe(1);
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state'))
      .toBe('saved');
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
    await expect
      .poll(() => shown(problem))
      .toMatch(new RegExp(`^${line}:\\d+ channel \`wecomx\` is not defined`));
    // The card of the step that says `via: wecomx` is marked, and so is its journey.
    await expect
      .poll(() => page.locator('kith-board .step.mark-error').first().getAttribute('data-step'))
      .toBe('remind');
    expect(await shown(page.locator('kith-playbook-editor .counts'))).toMatch(/^1 error · 0 warnings$/);
    await kith.shot('05-error');
    await page.keyboard.press('Backspace');
    await expect
      .poll(() => shown(page.locator('kith-playbook-editor .counts')), { timeout: 60_000 })
      .toBe('No problems');
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state'))
      .toBe('saved');
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
    await openPlaybook('reading-club');
    const journeysOf = (stage: string) =>
      page
        .locator(`kith-board .stage[data-stage=${stage}] .journey`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-journey')));
    const welcome = page.locator('kith-board .journey[data-journey=welcome] > header');
    const activateList = page.locator('kith-board .stage[data-stage=activate] ol.journeys');
    await welcome.dragTo(activateList, { targetPosition: { x: 20, y: 5 } });
    await expect
      .poll(() => journeysOf('activate'))
      .toEqual(['welcome', 'reading-buddy', 'streak-cheer', 'slump-support', 'win-back']);
    expect(await journeysOf('attract')).toEqual([]);
    const text = await editorText();
    const activateAt = text.search(/^ {2}activate:$/m);
    const welcomeAt = text.search(/^ {6}- journey: welcome$/m);
    expect(activateAt).toBeGreaterThan(0);
    expect(welcomeAt).toBeGreaterThan(activateAt);
    expect(welcomeAt).toBeLessThan(text.search(/^ {2}transact:$/m));
    // Into the `then` branch of the `place` step.
    const choose = page.locator('kith-board .step[data-step="choose"]');
    const thenList = page.locator('kith-board .step[data-step="place"] .branch').first().locator('ol.steps');
    await choose.dragTo(thenList, { targetPosition: { x: 20, y: 4 } });
    await expect
      .poll(() =>
        page
          .locator('kith-board .step[data-step="place"] .branch')
          .first()
          .locator('.step')
          .first()
          .getAttribute('data-step'),
      )
      .toBe('choose');
    await kith.shot('05b-dragged');
    await page.keyboard.press('Control+s');
    await expect
      .poll(() => page.locator('kith-playbook-editor [data-save-state]').getAttribute('data-save-state'))
      .toBe('saved');
  });

  it('says when someone else saved meanwhile, and reloads their version', async () => {
    await openPlaybook('reading-club');
    const server = await kith.api<{ source: string; revision: number }>(
      'GET',
      '/api/v1/tenants/demo/playbooks/reading-club',
    );
    const theirs = server.source.replace('stageReview: 7d', 'stageReview: 14d');
    await kith.api('PUT', '/api/v1/tenants/demo/playbooks/reading-club', {
      source: theirs,
      revision: server.revision,
    });
    await page.locator('kith-board .step[data-step="chosen"]').click({ position: { x: 8, y: 8 } });
    await page.locator('kith-step-panel #f-name').fill('Waiting for the choice');
    await page.locator('kith-step-panel #f-name').press('Enter');
    await expect.poll(editorText).toContain('name: Waiting for the choice');
    await page.keyboard.press('Control+s');
    const banner = page.locator('kith-playbook-editor .banner[role=alert]');
    await expect.poll(() => shown(banner)).toContain('Someone else changed this playbook.');
    await banner.locator('summary').click();
    expect(await shown(banner.locator('pre.diff'))).toContain('+             name: Waiting for the choice');
    await kith.shot('05c-conflict');
    await banner.getByRole('button', { name: 'Reload theirs' }).click();
    await expect.poll(editorText).toBe(theirs);
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
      .poll(
        async () =>
          (
            await kith.api<{ publishedVersion: number | null }>(
              'GET',
              '/api/v1/tenants/demo/playbooks/reading-club',
            )
          ).publishedVersion,
        {
          timeout: 90_000,
        },
      )
      .toBe(1);
    await page.goto(`${kith.url}/#/live`);
    const attract = page.locator('[data-testid=live-stages] tr[data-stage=attract] td.num').last();
    await attract.waitFor({ timeout: 90_000 });
    const before = Number((await shown(attract)).replace(/\D/g, '') || '0');
    await kith.api('POST', '/api/v1/tenants/demo/events', {
      type: 'member.joined',
      member: 'e2e-reader-1',
      data: { name: 'Ada' },
    });
    await expect
      .poll(async () => Number((await shown(attract)).replace(/\D/g, '') || '0'), { timeout: 90_000 })
      .toBeGreaterThan(before);
    await page.locator('[data-testid=live-journey][data-journey=welcome]').waitFor({ timeout: 30_000 });
    await kith.shot('07-live');
  });

  it('switches to 简体中文', async () => {
    await openPlaybook('reading-club');
    await page.locator('header select[aria-label="Language"]').selectOption('zh-CN');
    await expect.poll(() => shown(page.locator('header nav'))).toContain('剧本');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await shown(page.locator('kith-playbook-editor .toolbar button.primary'))).toBe('保存');
    expect(await shown(page.locator('kith-palette button[data-palette="kind:send"]'))).toBe('发送消息');
    await kith.shot('08-zh-CN');
    await page.reload();
    await expect.poll(() => shown(page.locator('header nav')), { timeout: 60_000 }).toContain('模板');
  });
});
