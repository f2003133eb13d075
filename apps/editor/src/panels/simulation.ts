import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { StreamConnection } from '../api/sse.js';
import type { Curve, SimulationReport } from '../api/types.js';
import { t } from '../i18n/index.js';
import { diagnosticList, errorText, PanelElement, panelStyles, problemText } from './base.js';
import { formatPercent } from './lib/format.js';
import { type Outline, outline } from './lib/outline.js';
import type { Problem } from './lib/problems.js';
import {
  BEHAVIOURS,
  type BehaviourName,
  CURVES,
  DEFAULT_BEHAVIOUR,
  defaultProfileForm,
  type ProfileForm,
  readProfile,
} from './lib/sim-profile.js';
import { reportView } from './simulation-report.js';

type Load =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; outline: Outline };

type Run =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'running'; id: string; progress: number; day: number; reconnecting: boolean }
  | { state: 'done'; report: SimulationReport }
  | { state: 'failed'; error: unknown };

/** Simulation of a playbook on a synthetic community: profile form, progress, then the report. */
export class KithSimulationPanel extends PanelElement {
  static override properties: PropertyDeclarations = {
    playbook: { type: String },
    load: { state: true },
    form: { state: true },
    problems: { state: true },
    run: { state: true },
  };

  static override styles = [
    panelStyles,
    css`
      .grid {
        display: grid;
        grid-template-columns: repeat(4, minmax(120px, 1fr));
        gap: 12px;
        max-width: 760px;
      }
      .grid input,
      .grid select {
        width: 100%;
      }
      .arrivals input {
        width: 100%;
      }
      .behaviour input {
        width: 64px;
      }
      .behaviour th,
      .behaviour td {
        padding: 2px 4px;
      }
      .progress {
        height: 12px;
        background: var(--soft);
        border: 1px solid var(--line);
        border-radius: 6px;
        overflow: hidden;
        max-width: 760px;
      }
      .progress > div {
        height: 100%;
        background: var(--accent);
        transition: width 0.2s;
      }
      .summary {
        display: grid;
        grid-template-columns: repeat(7, 1fr);
        gap: 8px;
        margin: 8px 0;
      }
      .summary div {
        border: 1px solid var(--line);
        border-radius: 6px;
        padding: 6px 8px;
      }
      .summary dt {
        color: var(--muted);
        font-size: 12px;
      }
      .summary dd {
        margin: 0;
        font-size: 18px;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      td.bad {
        color: var(--bad);
        font-weight: 600;
      }
      tr.bad-row {
        background: #ffebe9;
      }
      details {
        margin: 8px 0;
      }
    `,
  ];

  declare playbook: string;
  declare load: Load;
  declare form: ProfileForm;
  declare problems: Record<string, Problem>;
  declare run: Run;
  private stream: StreamConnection | null = null;

  constructor() {
    super();
    this.playbook = '';
    this.load = { state: 'idle' };
    this.form = defaultProfileForm(outline(''));
    this.problems = {};
    this.run = { state: 'idle' };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the panel while a run goes on: pick its progress up again.
    if (this.run.state === 'running' && this.stream === null) this.follow(this.run.id);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.closeStream();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('api') || changed.has('tenant') || changed.has('playbook')) && this.ready()) {
      this.closeStream();
      this.run = { state: 'idle' };
      void this.fetchOutline();
    }
  }

  private ready(): boolean {
    return this.api !== undefined && this.tenant !== '' && this.playbook !== '';
  }

  private closeStream(): void {
    this.stream?.close();
    this.stream = null;
  }

  private async fetchOutline(): Promise<void> {
    if (this.api === undefined) return;
    this.load = { state: 'loading' };
    try {
      const pb = await this.api.getPlaybook(this.tenant, this.playbook);
      const o = outline(pb.source);
      this.form = defaultProfileForm(o);
      this.problems = {};
      this.load = { state: 'ready', outline: o };
    } catch (error) {
      this.load = { state: 'error', error };
    }
  }

  private patch(p: Partial<ProfileForm>): void {
    this.form = { ...this.form, ...p };
  }

  private setArrival(i: number, key: 'entry' | 'source' | 'share', value: string): void {
    const arrivals = this.form.arrivals.map((a, j) => (j === i ? { ...a, [key]: value } : a));
    this.patch({ arrivals });
  }

  private setBehaviour(tier: string, name: BehaviourName, value: string): void {
    const behaviour = { ...this.form.behaviour, [tier]: { ...this.form.behaviour[tier], [name]: value } };
    this.patch({ behaviour });
  }

  /** Re-checks the form after an edit, but only once it was submitted: no red before the first try. */
  private recheck(): void {
    if (Object.keys(this.problems).length > 0) this.problems = readProfile(this.form, this.playbook).problems;
  }

  private async start(event: Event): Promise<void> {
    event.preventDefault();
    if (this.api === undefined || this.run.state === 'starting' || this.run.state === 'running') return;
    const read = readProfile(this.form, this.playbook);
    this.problems = read.problems;
    if (read.request === undefined) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.closeStream();
    this.run = { state: 'starting' };
    try {
      const { id } = await this.api.startSimulation(this.tenant, read.request);
      this.run = { state: 'running', id, progress: 0, day: 0, reconnecting: false };
      this.follow(id);
    } catch (error) {
      this.run = { state: 'failed', error };
    }
  }

  private follow(id: string): void {
    const api = this.api;
    if (api === undefined) return;
    this.stream = api.simulationEvents(
      this.tenant,
      id,
      {
        progress: (p) => {
          if (this.run.state === 'running' && this.run.id === id) {
            this.run = { ...this.run, progress: p.progress, day: p.day, reconnecting: false };
          }
        },
        done: (report) => {
          this.stream = null;
          this.run = { state: 'done', report };
        },
        failed: (error) => {
          this.stream = null;
          this.run = { state: 'failed', error: new Error(error || t('panels.sim.failedNoReason')) };
        },
      },
      {
        onState: (state) => {
          if (state === 'reconnecting' && this.run.state === 'running') {
            this.run = { ...this.run, reconnecting: true };
            void this.poll(id);
          }
        },
      },
    );
  }

  /** While the stream is down, ask once whether the run ended meanwhile (its `done` may be lost). */
  private async poll(id: string): Promise<void> {
    if (this.api === undefined) return;
    try {
      const s = await this.api.getSimulation(this.tenant, id);
      if (this.run.state !== 'running' || this.run.id !== id) return;
      if (s.status === 'done' && s.report !== undefined) {
        this.closeStream();
        this.run = { state: 'done', report: s.report };
      } else if (s.status === 'failed') {
        this.closeStream();
        this.run = { state: 'failed', error: new Error(s.error || t('panels.sim.failedNoReason')) };
      } else {
        this.run = { ...this.run, progress: Math.max(this.run.progress, s.progress) };
      }
    } catch {
      // The stream keeps retrying; the next reconnect asks again.
    }
  }

  private cancelFollow(): void {
    this.closeStream();
    this.run = { state: 'idle' };
  }

  override render(): TemplateResult {
    if (!this.ready()) return this.renderEmpty(t('panels.versions.noPlaybook'));
    const load = this.load;
    if (load.state === 'idle' || load.state === 'loading') return this.renderLoading();
    if (load.state === 'error') return this.renderError(load.error, () => void this.fetchOutline());
    return html`<section aria-labelledby="sim-title">
      <h2 id="sim-title">${t('panels.sim.title', { playbook: this.playbook })}</h2>
      <p class="hint">${t('panels.sim.intro')}</p>
      ${this.renderForm(load.outline)} ${this.renderRun(load.outline)}
    </section>`;
  }

  private num(key: 'members' | 'days' | 'seed', hint: string): TemplateResult {
    const p = this.problems[key];
    return html`<div>
      <label for="sim-${key}">${t(`panels.sim.${key}`)}</label>
      <input
        id="sim-${key}"
        data-testid="sim-${key}"
        inputmode="numeric"
        .value=${this.form[key]}
        aria-invalid=${p ? 'true' : 'false'}
        aria-describedby="sim-${key}-hint sim-${key}-error"
        @input=${(e: Event) => {
          this.patch({ [key]: (e.target as HTMLInputElement).value });
          this.recheck();
        }}
      />
      <p class="hint" id="sim-${key}-hint">${hint}</p>
      <p class="field-error" id="sim-${key}-error">${problemText(p)}</p>
    </div>`;
  }

  private renderForm(o: Outline): TemplateResult {
    const running = this.run.state === 'starting' || this.run.state === 'running';
    const tiers = Object.keys(this.form.behaviour);
    const tierName = (id: string): string =>
      id === 'default' ? t('panels.sim.allTiers') : (o.tiers.find((x) => x.id === id)?.name ?? id);
    return html`<form novalidate data-testid="sim-form" @submit=${this.start}>
      <div class="grid">
        ${this.num('members', t('panels.sim.membersHint'))} ${this.num('days', t('panels.sim.daysHint'))}
        ${this.num('seed', t('panels.sim.seedHint'))}
        <div>
          <label for="sim-curve">${t('panels.sim.curve')}</label>
          <select
            id="sim-curve"
            data-testid="sim-curve"
            @change=${(e: Event) => this.patch({ curve: (e.target as HTMLSelectElement).value as Curve })}
          >
            ${CURVES.map((c) => html`<option value=${c} ?selected=${c === this.form.curve}>${t(`panels.sim.curve.${c}`)}</option>`)}
          </select>
        </div>
      </div>
      <h3>${t('panels.sim.arrivals')}</h3>
      <p class="hint">${t('panels.sim.arrivalsHint')}</p>
      <table class="arrivals" data-testid="sim-arrivals" style="max-width:760px">
        <thead>
          <tr>
            <th>${t('panels.sim.entry')}</th>
            <th>${t('panels.sim.source')}</th>
            <th>${t('panels.sim.share')}</th>
            <th><span class="visually-hidden">${t('panels.sim.remove')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.form.arrivals.map((a, i) => {
            const p = this.problems[`arrivals/${i}/share`];
            return html`<tr>
              <td>
                <input
                  aria-label=${t('panels.sim.entry')}
                  list="sim-entries"
                  .value=${a.entry}
                  @input=${(e: Event) => this.setArrival(i, 'entry', (e.target as HTMLInputElement).value)}
                />
              </td>
              <td>
                <input
                  aria-label=${t('panels.sim.source')}
                  .value=${a.source}
                  @input=${(e: Event) => this.setArrival(i, 'source', (e.target as HTMLInputElement).value)}
                />
              </td>
              <td>
                <input
                  aria-label=${t('panels.sim.share')}
                  data-testid="sim-arrival-share"
                  inputmode="decimal"
                  .value=${a.share}
                  aria-invalid=${p ? 'true' : 'false'}
                  @input=${(e: Event) => {
                    this.setArrival(i, 'share', (e.target as HTMLInputElement).value);
                    this.recheck();
                  }}
                />
                ${p ? html`<p class="field-error">${problemText(p)}</p>` : nothing}
              </td>
              <td>
                <button
                  type="button"
                  aria-label=${t('panels.sim.removeRow', { n: i + 1 })}
                  @click=${() => this.patch({ arrivals: this.form.arrivals.filter((_, j) => j !== i) })}
                >
                  ✕
                </button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
      <datalist id="sim-entries">${o.entries.map((e) => html`<option value=${e.id}></option>`)}</datalist>
      <button
        type="button"
        data-testid="sim-add-arrival"
        @click=${() => this.patch({ arrivals: [...this.form.arrivals, { entry: '', source: '', share: '0.1' }] })}
      >
        ${t('panels.sim.addArrival')}
      </button>
      <details>
        <summary>${t('panels.sim.behaviour')}</summary>
        <p class="hint">${t('panels.sim.behaviourHint')}</p>
        <div style="overflow:auto">
          <table class="behaviour" data-testid="sim-behaviour">
            <thead>
              <tr>
                <th>${t('panels.sim.tier')}</th>
                ${BEHAVIOURS.map((b) => html`<th title=${t(`panels.sim.b.${b}.hint`)}>${t(`panels.sim.b.${b}`)}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${tiers.map(
                (tier) => html`<tr>
                  <th scope="row">${tierName(tier)}</th>
                  ${BEHAVIOURS.map((b) => {
                    const p = this.problems[`behaviour/${tier}/${b}`];
                    return html`<td>
                      <input
                        inputmode="decimal"
                        aria-label="${tierName(tier)} · ${t(`panels.sim.b.${b}`)}"
                        title=${p ? problemText(p) : t(`panels.sim.b.${b}.hint`)}
                        placeholder=${tier === 'default' ? String(DEFAULT_BEHAVIOUR[b]) : t('panels.sim.inherit')}
                        .value=${this.form.behaviour[tier]?.[b] ?? ''}
                        aria-invalid=${p ? 'true' : 'false'}
                        @input=${(e: Event) => {
                          this.setBehaviour(tier, b, (e.target as HTMLInputElement).value);
                          this.recheck();
                        }}
                      />
                    </td>`;
                  })}
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>
      ${
        Object.keys(this.problems).length > 0
          ? html`<p class="field-error" role="alert">${t('panels.form.fix', { count: Object.keys(this.problems).length })}</p>`
          : nothing
      }
      <div class="row" style="margin-top:12px">
        <button type="submit" class="primary" data-testid="sim-run" ?disabled=${running}>
          ${running ? t('panels.sim.running') : t('panels.sim.run')}
        </button>
      </div>
    </form>`;
  }

  private renderRun(o: Outline): TemplateResult | typeof nothing {
    const run = this.run;
    if (run.state === 'idle') return nothing;
    if (run.state === 'starting') return this.renderLoading(t('panels.sim.starting'));
    if (run.state === 'failed') {
      return html`<div class="state error" role="alert" data-testid="sim-error">
        <p>${t('panels.sim.failed')} ${errorText(run.error)}</p>
        ${diagnosticList(run.error, this.locale)}
      </div>`;
    }
    if (run.state === 'running') {
      const pct = Math.round(Math.min(1, Math.max(0, run.progress)) * 100);
      return html`<div style="margin-top:16px" data-testid="sim-progress-block">
        <p id="sim-progress-label" aria-live="polite">
          ${t('panels.sim.progress', { percent: formatPercent(run.progress, this.locale), day: run.day })}
          ${run.reconnecting ? html`<span class="badge">${t('panels.sim.reconnecting')}</span>` : nothing}
        </p>
        <div
          class="progress"
          role="progressbar"
          data-testid="sim-progress"
          aria-labelledby="sim-progress-label"
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${pct}
        >
          <div style="width:${pct}%"></div>
        </div>
        <button type="button" style="margin-top:8px" @click=${this.cancelFollow}>${t('panels.sim.stopWatching')}</button>
      </div>`;
    }
    return html`<h2 style="margin-top:24px">${t('panels.sim.report')}</h2>
      ${reportView(run.report, o.stages, this.locale)}`;
  }
}

if (!customElements.get('kith-simulation-panel'))
  customElements.define('kith-simulation-panel', KithSimulationPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kith-simulation-panel': KithSimulationPanel;
  }
}
