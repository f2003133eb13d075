import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ApiError } from '../api/client.js';
import type { StreamConnection, StreamState } from '../api/sse.js';
import type { LiveActivity, OutboxEntry } from '../api/types.js';
import { t } from '../i18n/index.js';
import { errorText, PanelElement, panelStyles } from './base.js';
import { activityPlace, pushActivity } from './lib/activity.js';
import { formatDateTime, formatNumber, formatTime } from './lib/format.js';
import { applyCounts, fromFunnel, type LiveView } from './lib/live-counts.js';

type Async<T> = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ready'; value: T };

/** Counts: a view, or nothing to count because no playbook is published yet. */
type Counts = Async<LiveView> | { state: 'unpublished' };

/** Live view of a tenant: members per stage and per step, recent activity, dead letters to retry. */
export class KithLivePanel extends PanelElement {
  static override properties: PropertyDeclarations = {
    counts: { state: true },
    streamState: { state: true },
    activity: { state: true },
    paused: { state: true },
    missed: { state: true },
    dead: { state: true },
    retrying: { state: true },
  };

  static override styles = [
    panelStyles,
    css`
      .cols {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 16px;
        align-items: start;
      }
      .bar {
        background: var(--accent);
        height: 10px;
        border-radius: 3px;
        min-width: 1px;
      }
      .bar.zero {
        background: transparent;
      }
      .feed {
        list-style: none;
        padding: 0;
        margin: 0;
        max-height: 420px;
        overflow: auto;
        border: 1px solid var(--line);
        border-radius: 6px;
      }
      .feed li {
        padding: 4px 8px;
        border-bottom: 1px solid var(--soft);
        display: grid;
        grid-template-columns: max-content 64px 1fr;
        align-items: baseline;
        gap: 8px;
      }
      .feed .badge {
        justify-self: start;
      }
      .time {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .err {
        color: var(--bad);
        max-width: 320px;
        overflow-wrap: anywhere;
      }
      details summary {
        cursor: pointer;
      }
    `,
  ];

  declare counts: Counts;
  declare streamState: StreamState;
  declare activity: LiveActivity[];
  declare paused: boolean;
  declare missed: number;
  declare dead: Async<OutboxEntry[]>;
  declare retrying: Record<string, 'working' | 'queued' | { error: unknown }>;
  private stream: StreamConnection | null = null;
  /** What the open stream is for: a re-render with the same api and tenant keeps it. */
  private streamFor: { api: unknown; tenant: string } | null = null;

  constructor() {
    super();
    this.counts = { state: 'loading' };
    this.streamState = 'connecting';
    this.activity = [];
    this.paused = false;
    this.missed = 0;
    this.dead = { state: 'loading' };
    this.retrying = {};
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.ready() && this.stream === null) this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const same = this.streamFor?.api === this.api && this.streamFor?.tenant === this.tenant;
    if ((changed.has('api') || changed.has('tenant')) && this.ready() && !(same && this.stream !== null)) {
      this.stop();
      this.counts = { state: 'loading' };
      this.activity = [];
      this.missed = 0;
      this.retrying = {};
      this.start();
    }
  }

  private ready(): boolean {
    return this.api !== undefined && this.tenant !== '';
  }

  private start(): void {
    const api = this.api;
    if (api === undefined) return;
    this.streamFor = { api, tenant: this.tenant };
    void this.fetchCounts();
    void this.fetchDead();
    this.stream = api.live(
      this.tenant,
      {
        counts: (c) => {
          if (c === null) this.counts = { state: 'unpublished' };
          else if (typeof c === 'object' && Array.isArray(c.stages)) {
            const prev = this.counts.state === 'ready' ? this.counts.value : null;
            this.counts = { state: 'ready', value: applyCounts(prev, c) };
          }
        },
        activity: (a) => {
          if (this.paused) this.missed++;
          else this.activity = pushActivity(this.activity, a);
        },
      },
      { onState: (s) => (this.streamState = s) },
    );
  }

  private stop(): void {
    this.stream?.close();
    this.stream = null;
    this.streamFor = null;
  }

  /** The first frame from the funnel route, so the page is not empty until the stream's first `counts`. */
  private async fetchCounts(): Promise<void> {
    if (this.api === undefined) return;
    try {
      const f = await this.api.funnel(this.tenant);
      if (this.counts.state !== 'ready')
        this.counts = { state: 'ready', value: fromFunnel(f.funnel, f.version) };
    } catch (error) {
      if (this.counts.state === 'ready') return;
      const unpublished = error instanceof ApiError && error.status === 409 && error.code === 'not-published';
      this.counts = unpublished ? { state: 'unpublished' } : { state: 'error', error };
    }
  }

  private async fetchDead(): Promise<void> {
    if (this.api === undefined) return;
    this.dead = { state: 'loading' };
    try {
      const { items } = await this.api.deadLetters(this.tenant);
      this.dead = { state: 'ready', value: items };
    } catch (error) {
      this.dead = { state: 'error', error };
    }
  }

  private async retry(key: string): Promise<void> {
    if (this.api === undefined) return;
    this.retrying = { ...this.retrying, [key]: 'working' };
    try {
      await this.api.retryDeadLetter(this.tenant, key);
      this.retrying = { ...this.retrying, [key]: 'queued' };
    } catch (error) {
      this.retrying = { ...this.retrying, [key]: { error } };
    }
  }

  private togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) this.missed = 0;
  }

  override render(): TemplateResult {
    if (!this.ready()) return this.renderLoading();
    return html`<section aria-labelledby="live-title">
      <div class="row" style="justify-content:space-between">
        <h2 id="live-title">${t('panels.live.title')}</h2>
        <span class="badge ${this.streamState === 'open' ? 'ok' : this.streamState === 'reconnecting' ? 'bad' : ''}" role="status" data-testid="live-status">
          ${t(`panels.live.state.${this.streamState}`)}
        </span>
      </div>
      <div class="cols">
        <div>${this.renderCounts()}</div>
        <div>${this.renderActivity()}</div>
      </div>
      ${this.renderDead()}
    </section>`;
  }

  private renderCounts(): TemplateResult {
    const c = this.counts;
    if (c.state === 'loading') return this.renderLoading();
    if (c.state === 'unpublished') return this.renderEmpty(t('panels.live.unpublished'));
    if (c.state === 'error') return this.renderError(c.error, () => void this.fetchCounts());
    const counts = c.value;
    const max = Math.max(1, ...counts.stages.map((s) => s.current));
    const journeys = counts.journeys;
    return html`<h3>${t('panels.live.stages')}</h3>
      ${
        counts.stages.length === 0
          ? this.renderEmpty(t('panels.live.noStages'))
          : html`<table data-testid="live-stages">
              <thead>
                <tr>
                  <th>${t('panels.live.stage')}</th>
                  <th class="num">${t('panels.live.now')}</th>
                  <th style="width:40%"><span class="visually-hidden">${t('panels.live.now')}</span></th>
                  <th class="num">${t('panels.live.reached')}</th>
                </tr>
              </thead>
              <tbody>
                ${counts.stages.map(
                  (s) => html`<tr data-stage=${s.stage}>
                    <td>${s.stage}</td>
                    <td class="num">${formatNumber(s.current, this.locale)}</td>
                    <td><div class="bar ${s.current === 0 ? 'zero' : ''}" style="width:${(s.current / max) * 100}%"></div></td>
                    <td class="num">${formatNumber(s.reached, this.locale)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
      <h3>${t('panels.live.steps')}</h3>
      ${
        journeys.length === 0
          ? html`<p class="hint">${t('panels.live.noJourneys')}</p>`
          : journeys.map(
              (j) => html`<details data-testid="live-journey" data-journey=${j.journey} ?open=${j.active > 0}>
                <summary>
                  <strong>${j.journey}</strong>
                  <span class="hint">${t('panels.live.journeyLine', { active: formatNumber(j.active, this.locale) })}</span>
                </summary>
                <table>
                  <thead>
                    <tr>
                      <th>${t('panels.live.step')}</th>
                      <th class="num">${t('panels.live.waiting')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${j.steps.map(
                      (s) => html`<tr>
                        <td><code>${s.step}</code></td>
                        <td class="num">${formatNumber(s.waiting, this.locale)}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </details>`,
            )
      }`;
  }

  private renderActivity(): TemplateResult {
    return html`<div class="row" style="justify-content:space-between">
        <h3>${t('panels.live.activity')}</h3>
        <button type="button" data-testid="live-pause" aria-pressed=${this.paused ? 'true' : 'false'} @click=${this.togglePause}>
          ${this.paused ? t('panels.live.resume', { count: this.missed }) : t('panels.live.pause')}
        </button>
      </div>
      ${
        this.activity.length === 0
          ? this.renderEmpty(t('panels.live.noActivity'))
          : html`<ol class="feed" data-testid="live-activity" aria-live="off">
              ${this.activity.map(
                (a) => html`<li>
                  <span class="time">${formatTime(a.at, this.locale)}</span>
                  <span class="badge">${t(`panels.live.kind.${a.kind}`)}</span>
                  <span>
                    ${a.member ? html`<button type="button" class="link" @click=${() => this.navigate({ view: 'members', member: a.member! })}>${a.member}</button>` : nothing}
                    ${activityPlace(a)} ${a.type ? html`<code>${a.type}</code>` : nothing} ${a.detail ?? ''}
                  </span>
                </li>`,
              )}
            </ol>`
      }`;
  }

  private renderDead(): TemplateResult {
    const d = this.dead;
    return html`<div class="row" style="justify-content:space-between">
        <h3>${t('panels.live.dead')}</h3>
        <button type="button" data-testid="live-dead-refresh" @click=${() => void this.fetchDead()}>${t('panels.refresh')}</button>
      </div>
      ${
        d.state === 'loading'
          ? this.renderLoading()
          : d.state === 'error'
            ? this.renderError(d.error, () => void this.fetchDead())
            : d.value.length === 0
              ? this.renderEmpty(t('panels.live.noDead'))
              : html`<table data-testid="live-dead">
                  <thead>
                    <tr>
                      <th>${t('panels.live.effect')}</th>
                      <th>${t('panels.live.member')}</th>
                      <th class="num">${t('panels.live.attempts')}</th>
                      <th>${t('panels.live.lastError')}</th>
                      <th>${t('panels.live.when')}</th>
                      <th><span class="visually-hidden">${t('panels.live.retry')}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${d.value.map((entry) => this.renderDeadRow(entry))}
                  </tbody>
                </table>`
      }`;
  }

  private renderDeadRow(entry: OutboxEntry): TemplateResult {
    const e = entry.effect;
    const r = this.retrying[e.key];
    return html`<tr data-key=${e.key}>
      <td><code>${e.type}</code><br /><span class="hint">${e.target}${e.step ? ` · ${e.step}` : ''}</span></td>
      <td>${e.member ?? '—'}</td>
      <td class="num">${entry.attempts}</td>
      <td class="err">${entry.lastError ?? '—'}</td>
      <td>${formatDateTime(entry.settledAt, this.locale)}</td>
      <td>
        ${
          r === 'queued'
            ? html`<span class="badge ok" role="status">${t('panels.live.retried')}</span>`
            : html`<button
                type="button"
                data-testid="live-dead-retry"
                data-key=${e.key}
                ?disabled=${r === 'working'}
                @click=${() => this.retry(e.key)}
              >
                ${r === 'working' ? t('panels.live.retrying') : t('panels.live.retry')}
              </button>`
        }
        ${typeof r === 'object' ? html`<p class="field-error" role="alert">${errorText(r.error)}</p>` : nothing}
      </td>
    </tr>`;
  }
}

if (!customElements.get('kith-live-panel')) customElements.define('kith-live-panel', KithLivePanel);

declare global {
  interface HTMLElementTagNameMap {
    'kith-live-panel': KithLivePanel;
  }
}
