import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ApiError } from '../api/client.js';
import type { Diff, Playbook, PublishPreview, VersionRef } from '../api/types.js';
import { t } from '../i18n/index.js';
import { diagnosticList, errorText, PanelElement, panelStyles } from './base.js';
import { diffStats, groupChanges, parseUnified, pointerLabel, previewValue } from './lib/diff.js';
import { formatDateTime, formatNumber } from './lib/format.js';

type Async<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; value: T };

type Action =
  | { kind: 'none' }
  | { kind: 'preview'; preview: Async<PublishPreview> }
  | { kind: 'rollback'; version: number }
  | { kind: 'working' }
  | { kind: 'failed'; error: unknown };

function refValue(r: VersionRef): string {
  return String(r);
}

function parseRef(v: string): VersionRef {
  return v === 'draft' ? 'draft' : Number(v);
}

/** Version history, diffs between any two versions or the draft, publish with a preview, rollback. */
export class KithVersionsPanel extends PanelElement {
  static override properties: PropertyDeclarations = {
    playbook: { type: String },
    load: { state: true },
    from: { state: true },
    to: { state: true },
    diff: { state: true },
    action: { state: true },
    notice: { state: true },
  };

  static override styles = [
    panelStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(260px, 320px) 1fr;
        gap: 16px;
        align-items: start;
      }
      .current {
        background: #ddf4ff;
      }
      .diff {
        font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        border: 1px solid var(--line);
        border-radius: 6px;
        overflow: auto;
        max-height: 420px;
      }
      .diff table {
        border-collapse: collapse;
        width: 100%;
      }
      .diff td {
        border: 0;
        padding: 0 6px;
        white-space: pre;
      }
      .diff td.ln {
        color: var(--muted);
        text-align: right;
        user-select: none;
        width: 1%;
      }
      .diff tr.added {
        background: #dafbe1;
      }
      .diff tr.removed {
        background: #ffebe9;
      }
      .diff tr.hunk,
      .diff tr.file {
        background: var(--soft);
        color: var(--muted);
      }
      .mark {
        user-select: none;
        width: 1%;
      }
      .added .mark,
      .plus {
        color: var(--ok);
      }
      .removed .mark,
      .minus {
        color: var(--bad);
      }
      .changes li {
        margin-bottom: 4px;
      }
      .confirm {
        border: 2px solid var(--accent);
        margin: 12px 0;
      }
      .notice {
        color: var(--ok);
      }
      select {
        min-width: 140px;
      }
    `,
  ];

  declare playbook: string;
  declare load: Async<Playbook>;
  declare from: VersionRef | null;
  declare to: VersionRef;
  declare diff: Async<Diff>;
  declare action: Action;
  declare notice: string;
  private diffRequest = 0;

  constructor() {
    super();
    this.playbook = '';
    this.load = { state: 'idle' };
    this.from = null;
    this.to = 'draft';
    this.diff = { state: 'idle' };
    this.action = { kind: 'none' };
    this.notice = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('api') || changed.has('tenant') || changed.has('playbook')) && this.ready()) {
      this.action = { kind: 'none' };
      this.notice = '';
      void this.reload(true);
    }
  }

  private ready(): boolean {
    return this.api !== undefined && this.tenant !== '' && this.playbook !== '';
  }

  private async reload(resetCompare: boolean): Promise<void> {
    if (this.api === undefined) return;
    this.load = { state: 'loading' };
    try {
      const pb = await this.api.getPlaybook(this.tenant, this.playbook);
      this.load = { state: 'ready', value: pb };
      if (resetCompare || this.from === null) {
        const latest = pb.versions.reduce<number | null>(
          (m, v) => (m === null || v.version > m ? v.version : m),
          null,
        );
        this.from = pb.publishedVersion ?? latest;
        this.to = 'draft';
      }
      void this.loadDiff();
    } catch (error) {
      this.load = { state: 'error', error };
    }
  }

  private async loadDiff(): Promise<void> {
    if (this.api === undefined || this.from === null) {
      this.diff = { state: 'idle' };
      return;
    }
    const request = ++this.diffRequest;
    this.diff = { state: 'loading' };
    try {
      const d = await this.api.diff(this.tenant, this.playbook, this.from, this.to);
      if (request === this.diffRequest) this.diff = { state: 'ready', value: d };
    } catch (error) {
      if (request === this.diffRequest) this.diff = { state: 'error', error };
    }
  }

  private setCompare(which: 'from' | 'to', value: string): void {
    if (which === 'from') this.from = parseRef(value);
    else this.to = parseRef(value);
    void this.loadDiff();
  }

  private async openPreview(): Promise<void> {
    if (this.api === undefined) return;
    this.notice = '';
    this.action = { kind: 'preview', preview: { state: 'loading' } };
    try {
      const preview = await this.api.publishPreview(this.tenant, this.playbook);
      this.action = { kind: 'preview', preview: { state: 'ready', value: preview } };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-testid="versions-publish-confirm"]')?.focus();
    } catch (error) {
      this.action = { kind: 'preview', preview: { state: 'error', error } };
    }
  }

  private async publish(): Promise<void> {
    if (this.api === undefined || this.load.state !== 'ready') return;
    const revision = this.load.value.revision;
    this.action = { kind: 'working' };
    try {
      const r = await this.api.publish(this.tenant, this.playbook, revision);
      this.action = { kind: 'none' };
      this.notice = t('panels.versions.published', { version: r.version, migrated: r.migrated });
      await this.reload(true);
    } catch (error) {
      this.action = { kind: 'failed', error };
    }
  }

  private askRollback(version: number): void {
    this.notice = '';
    this.action = { kind: 'rollback', version };
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>('[data-testid="versions-rollback-confirm"]')?.focus(),
    );
  }

  private async rollback(version: number): Promise<void> {
    if (this.api === undefined) return;
    this.action = { kind: 'working' };
    try {
      const r = await this.api.rollback(this.tenant, this.playbook, version);
      this.action = { kind: 'none' };
      this.notice = t('panels.versions.rolledBack', { from: version, version: r.version });
      await this.reload(true);
    } catch (error) {
      this.action = { kind: 'failed', error };
    }
  }

  private onDialogKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') this.cancel();
  }

  private cancel(): void {
    this.action = { kind: 'none' };
  }

  override render(): TemplateResult {
    if (!this.ready()) return this.renderEmpty(t('panels.versions.noPlaybook'));
    const load = this.load;
    if (load.state === 'idle' || load.state === 'loading') return this.renderLoading();
    if (load.state === 'error') return this.renderError(load.error, () => void this.reload(true));
    const pb = load.value;
    const versions = [...pb.versions].sort((a, b) => b.version - a.version);
    return html`<section aria-labelledby="v-title">
      <div class="row" style="justify-content:space-between">
        <h2 id="v-title">${t('panels.versions.title', { playbook: pb.id })}</h2>
        <div class="row">
          <button type="button" data-testid="versions-open-board" @click=${() => this.navigate({ view: 'board', playbook: pb.id })}>
            ${t('panels.versions.openBoard')}
          </button>
          <button
            type="button"
            class="primary"
            data-testid="versions-publish"
            ?disabled=${this.action.kind === 'working'}
            @click=${this.openPreview}
          >
            ${t('panels.versions.publish')}
          </button>
        </div>
      </div>
      ${this.notice ? html`<p class="notice" role="status" data-testid="versions-notice">${this.notice}</p>` : nothing}
      ${this.renderAction(pb)}
      <div class="layout">
        <div>
          <h3>${t('panels.versions.history')}</h3>
          ${
            versions.length === 0
              ? this.renderEmpty(t('panels.versions.none'))
              : html`<table data-testid="versions-list">
                  <thead>
                    <tr>
                      <th>${t('panels.versions.version')}</th>
                      <th>${t('panels.versions.publishedAt')}</th>
                      <th><span class="visually-hidden">${t('panels.versions.actions')}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${versions.map(
                      (
                        v,
                      ) => html`<tr class=${v.version === pb.publishedVersion ? 'current' : ''} data-version=${v.version}>
                        <td>
                          v${v.version}
                          ${v.version === pb.publishedVersion ? html`<span class="badge ok">${t('panels.versions.live')}</span>` : nothing}
                        </td>
                        <td>${formatDateTime(v.publishedAt, this.locale)}<br /><span class="hint">${v.by}</span></td>
                        <td>
                          ${
                            v.version === pb.publishedVersion
                              ? nothing
                              : html`<button
                                  type="button"
                                  data-testid="versions-rollback"
                                  data-version=${v.version}
                                  ?disabled=${this.action.kind === 'working'}
                                  @click=${() => this.askRollback(v.version)}
                                >
                                  ${t('panels.versions.rollbackTo', { version: v.version })}
                                </button>`
                          }
                        </td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
          }
        </div>
        <div>${this.renderCompare(pb)}</div>
      </div>
    </section>`;
  }

  private renderAction(pb: Playbook): TemplateResult | typeof nothing {
    const a = this.action;
    if (a.kind === 'working') return this.renderLoading(t('panels.versions.working'));
    if (a.kind === 'failed') return this.renderFailure(a.error);
    if (a.kind === 'rollback') {
      return html`<div class="card confirm" role="alertdialog" @keydown=${this.onDialogKey} aria-labelledby="rb-title" data-testid="versions-rollback-dialog">
        <h3 id="rb-title">${t('panels.versions.rollbackTitle', { version: a.version })}</h3>
        <p>${t('panels.versions.rollbackBody', { version: a.version })}</p>
        <div class="row">
          <button type="button" class="primary" data-testid="versions-rollback-confirm" @click=${() => this.rollback(a.version)}>
            ${t('panels.versions.rollbackConfirm', { version: a.version })}
          </button>
          <button type="button" data-testid="versions-cancel" @click=${this.cancel}>${t('panels.cancel')}</button>
        </div>
      </div>`;
    }
    if (a.kind !== 'preview') return nothing;
    const p = a.preview;
    if (p.state === 'loading' || p.state === 'idle')
      return this.renderLoading(t('panels.versions.previewing'));
    if (p.state === 'error') return this.renderFailure(p.error);
    const preview = p.value;
    const errors = pb.diagnostics.filter((d) => d.severity === 'error').length;
    return html`<div class="card confirm" role="alertdialog" @keydown=${this.onDialogKey} aria-labelledby="pub-title" data-testid="versions-publish-dialog">
      <h3 id="pub-title">${t('panels.versions.previewTitle', { version: preview.version })}</h3>
      ${errors > 0 ? html`<p class="field-error">${t('panels.versions.draftErrors', { count: errors })}</p>` : nothing}
      ${
        preview.moves.length === 0
          ? html`<p>${t('panels.versions.noMoves')}</p>`
          : html`<table data-testid="versions-moves">
              <caption class="hint" style="text-align:left">${t('panels.versions.movesCaption')}</caption>
              <thead>
                <tr>
                  <th>${t('panels.versions.journey')}</th>
                  <th>${t('panels.versions.moveFrom')}</th>
                  <th>${t('panels.versions.moveTo')}</th>
                  <th class="num">${t('panels.members.title')}</th>
                </tr>
              </thead>
              <tbody>
                ${preview.moves.map(
                  (m) => html`<tr>
                    <td>${m.journey}</td>
                    <td><code>${m.from}</code></td>
                    <td>${m.to === null ? t('panels.versions.moveEnd') : html`<code>${m.to}</code>`}</td>
                    <td class="num">${formatNumber(m.members, this.locale)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
      <p data-testid="versions-finishing">${t('panels.versions.finishing', { count: formatNumber(preview.finishing, this.locale) })}</p>
      <div class="row">
        <button type="button" class="primary" data-testid="versions-publish-confirm" @click=${this.publish}>
          ${t('panels.versions.publishConfirm', { version: preview.version })}
        </button>
        <button type="button" data-testid="versions-cancel" @click=${this.cancel}>${t('panels.cancel')}</button>
      </div>
    </div>`;
  }

  /** Screen readers hear whether a line was added or removed; colour alone would not say it. */
  private srPrefix(kind: string): TemplateResult | typeof nothing {
    if (kind !== 'added' && kind !== 'removed') return nothing;
    return html`<span class="visually-hidden">${t(`panels.versions.kind.${kind}`)}: </span>`;
  }

  /** A refused publish: a newer draft (409) asks for a reload; diagnostics (422) are listed. */
  private renderFailure(error: unknown): TemplateResult {
    const conflict = error instanceof ApiError && error.isConflict;
    return html`<div class="state error" role="alert" data-testid="versions-error">
      <p>${conflict ? t('panels.versions.conflict') : errorText(error)}</p>
      ${diagnosticList(error, this.locale)}
      <div class="row">
        ${conflict ? html`<button type="button" @click=${() => void this.reload(true)}>${t('panels.versions.reload')}</button>` : nothing}
        <button type="button" @click=${this.cancel}>${t('panels.close')}</button>
      </div>
    </div>`;
  }

  private renderCompare(pb: Playbook): TemplateResult {
    const refs: VersionRef[] = [
      ...[...pb.versions].sort((a, b) => b.version - a.version).map((v) => v.version),
      'draft',
    ];
    const label = (r: VersionRef): string => (r === 'draft' ? t('panels.versions.draft') : `v${r}`);
    const select = (which: 'from' | 'to', current: VersionRef | null) => html`<select
      id="cmp-${which}"
      data-testid="versions-diff-${which}"
      @change=${(e: Event) => this.setCompare(which, (e.target as HTMLSelectElement).value)}
    >
      ${refs.map((r) => html`<option value=${refValue(r)} ?selected=${r === current}>${label(r)}</option>`)}
    </select>`;
    return html`<h3>${t('panels.versions.compare')}</h3>
      ${
        pb.versions.length === 0
          ? html`<p class="hint">${t('panels.versions.compareNothing')}</p>`
          : html`<div class="row">
                <label for="cmp-from">${t('panels.versions.from')}</label>
                ${select('from', this.from)}
                <label for="cmp-to">${t('panels.versions.to')}</label>
                ${select('to', this.to)}
              </div>
              ${this.renderDiff()}`
      }`;
  }

  private renderDiff(): TemplateResult | typeof nothing {
    const d = this.diff;
    if (d.state === 'idle') return nothing;
    if (d.state === 'loading') return this.renderLoading();
    if (d.state === 'error') return this.renderError(d.error, () => void this.loadDiff());
    const diff = d.value;
    const lines = parseUnified(diff.unified);
    const stats = diffStats(lines);
    if (diff.changes.length === 0 && stats.added === 0 && stats.removed === 0) {
      return this.renderEmpty(t('panels.versions.same'));
    }
    return html`<div data-testid="versions-diff">
      <p>
        <span class="plus">+${stats.added}</span> <span class="minus">−${stats.removed}</span>
        ${t('panels.versions.lines')} · ${t('panels.versions.changeCount', { count: diff.changes.length })}
      </p>
      <ul class="changes" data-testid="versions-changes">
        ${groupChanges(diff.changes).map(
          (g) => html`<li>
            <strong>${g.section}</strong>
            <ul>
              ${g.changes.map(
                (c) => html`<li data-kind=${c.kind}>
                  <span class="badge ${c.kind === 'removed' ? 'bad' : c.kind === 'added' ? 'ok' : ''}"
                    >${t(`panels.versions.kind.${c.kind}`)}</span
                  >
                  <code>${pointerLabel(c.path)}</code>
                  ${c.kind === 'changed' ? html`: <span class="minus">${previewValue(c.before)}</span> → <span class="plus">${previewValue(c.after)}</span>` : nothing}
                  ${c.kind === 'added' && c.after !== undefined ? html`: <span class="plus">${previewValue(c.after)}</span>` : nothing}
                  ${c.kind === 'removed' && c.before !== undefined ? html`: <span class="minus">${previewValue(c.before)}</span>` : nothing}
                </li>`,
              )}
            </ul>
          </li>`,
        )}
      </ul>
      <div class="diff" role="region" aria-label=${t('panels.versions.textDiff')} tabindex="0">
        <table>
          <tbody>
            ${lines.map(
              (l) => html`<tr class=${l.kind}>
                <td class="ln">${l.oldLine ?? ''}</td>
                <td class="ln">${l.newLine ?? ''}</td>
                <td class="mark" aria-hidden="true">${l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : ''}</td>
                <td class="code">${this.srPrefix(l.kind)}${l.text}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>`;
  }
}

if (!customElements.get('kith-versions-panel'))
  customElements.define('kith-versions-panel', KithVersionsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kith-versions-panel': KithVersionsPanel;
  }
}
