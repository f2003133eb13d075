import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ApiError } from '../api/client.js';
import type { Template } from '../api/types.js';
import { t } from '../i18n/index.js';
import { errorText, PanelElement, panelStyles, problemText } from './base.js';
import { outline } from './lib/outline.js';
import {
  buildParamFields,
  type FormValues,
  idProblem,
  initialValues,
  type ParamField,
  readField,
  readParams,
  suggestId,
} from './lib/param-form.js';
import type { Problem } from './lib/problems.js';

type Load =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; templates: Template[] };

/** The template gallery and the "new client playbook from template" form. */
export class KithTemplatesPanel extends PanelElement {
  static override properties: PropertyDeclarations = {
    load: { state: true },
    chosen: { state: true },
    values: { state: true },
    playbookId: { state: true },
    problems: { state: true },
    touched: { state: true },
    submitting: { state: true },
    submitError: { state: true },
  };

  static override styles = [
    panelStyles,
    css`
      .gallery {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(280px, 1fr));
        gap: 12px;
      }
      .card h3 {
        margin-top: 0;
      }
      .desc {
        color: var(--muted);
        display: -webkit-box;
        -webkit-line-clamp: 4;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .stages {
        display: flex;
        gap: 4px;
        flex-wrap: wrap;
        margin: 8px 0;
        padding: 0;
        list-style: none;
      }
      form {
        max-width: 720px;
      }
      .field {
        margin-bottom: 12px;
      }
      /* The error line keeps its room: a message appearing on blur must not move the button being clicked. */
      .field .field-error {
        min-height: 16px;
      }
      .field input:not([type='checkbox']),
      .field select {
        width: 100%;
      }
      .actions {
        display: flex;
        gap: 8px;
        margin-top: 16px;
      }
    `,
  ];

  declare load: Load;
  declare chosen: Template | null;
  declare values: FormValues;
  declare playbookId: string;
  declare problems: Record<string, Problem>;
  declare touched: Record<string, boolean>;
  declare submitting: boolean;
  declare submitError: unknown;
  private fields: ParamField[] = [];

  constructor() {
    super();
    this.load = { state: 'loading' };
    this.chosen = null;
    this.values = {};
    this.playbookId = '';
    this.problems = {};
    this.touched = {};
    this.submitting = false;
    this.submitError = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api') && this.api !== undefined) void this.fetchTemplates();
  }

  private async fetchTemplates(): Promise<void> {
    if (this.api === undefined) return;
    this.load = { state: 'loading' };
    try {
      const { items } = await this.api.listTemplates();
      this.load = { state: 'ready', templates: items };
    } catch (error) {
      this.load = { state: 'error', error };
    }
  }

  private choose(template: Template): void {
    this.chosen = template;
    this.fields = buildParamFields(template.params ?? {});
    this.values = initialValues(this.fields);
    this.playbookId = suggestId(template.id);
    this.problems = {};
    this.touched = {};
    this.submitError = null;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#pb-id')?.focus());
  }

  private back(): void {
    this.chosen = null;
  }

  private setValue(field: ParamField, raw: string | boolean): void {
    this.values = { ...this.values, [field.name]: raw };
    if (this.touched[field.name] || this.problems[field.name]) this.check(field);
  }

  /** Inline validation: a field is checked when left, then on every keystroke until it is right. */
  private check(field: ParamField): void {
    const r = readField(field, this.values[field.name] ?? field.initial);
    const problems = { ...this.problems };
    if (r.problem === undefined) delete problems[field.name];
    else problems[field.name] = r.problem;
    this.problems = problems;
    this.touched = { ...this.touched, [field.name]: true };
  }

  private checkId(): void {
    const p = idProblem(this.playbookId);
    const problems = { ...this.problems };
    if (p === null) delete problems['#id'];
    else problems['#id'] = p;
    this.problems = problems;
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const template = this.chosen;
    if (template === null || this.api === undefined || this.submitting) return;
    const read = readParams(this.fields, this.values);
    const problems: Record<string, Problem> = { ...read.problems };
    const id = this.playbookId.trim();
    const idP = idProblem(id);
    if (idP !== null) problems['#id'] = idP;
    this.problems = problems;
    this.touched = Object.fromEntries(this.fields.map((f) => [f.name, true]));
    if (Object.keys(problems).length > 0) {
      this.submitError = null;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.submitting = true;
    this.submitError = null;
    try {
      const created = await this.api.createPlaybook(this.tenant, {
        id,
        template: template.id,
        params: read.params,
      });
      this.navigate({ view: 'board', playbook: created.id ?? id });
    } catch (error) {
      this.applyServerProblems(error);
      // A taken id or a bad field is said on the field itself; anything else goes in the box below.
      const located = error instanceof ApiError && (error.isConflict || error.errors.length > 0);
      this.submitError = located ? null : error;
      if (located) {
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      }
    } finally {
      this.submitting = false;
    }
  }

  /** The server's located errors (`/params/brand`, `/id`) shown on their fields. */
  private applyServerProblems(error: unknown): void {
    if (!(error instanceof ApiError)) return;
    const problems = { ...this.problems };
    if (error.isConflict)
      problems['#id'] = { key: 'panels.templates.idTaken', params: { id: this.playbookId } };
    for (const e of error.errors) {
      if (e.path === '/id') problems['#id'] = { key: 'panels.raw', params: { text: e.message } };
      const m = /^\/params\/([^/]+)/.exec(e.path);
      if (m !== null)
        problems[decodeURIComponent(m[1]!)] = { key: 'panels.raw', params: { text: e.message } };
    }
    this.problems = problems;
  }

  override render(): TemplateResult {
    if (this.api === undefined || this.load.state === 'loading') return this.renderLoading();
    if (this.load.state === 'error')
      return this.renderError(this.load.error, () => void this.fetchTemplates());
    if (this.chosen !== null) return this.renderForm(this.chosen);
    const templates = this.load.templates;
    return html`<section aria-labelledby="tpl-title">
      <h2 id="tpl-title">${t('panels.templates.title')}</h2>
      ${
        templates.length === 0
          ? this.renderEmpty(t('panels.templates.empty'))
          : html`<ul class="gallery" role="list" data-testid="template-gallery" style="list-style:none;padding:0">
              ${templates.map((tpl) => this.renderCard(tpl))}
            </ul>`
      }
    </section>`;
  }

  private renderCard(tpl: Template): TemplateResult {
    const o = outline(tpl.source ?? '');
    const params = Object.keys(tpl.params ?? {}).length;
    return html`<li class="card" data-testid="template-card" data-template=${tpl.id}>
      <h3>${tpl.name || o.name || tpl.id}</h3>
      <p class="desc">${tpl.description || o.description}</p>
      ${
        o.stages.length > 0
          ? html`<ol class="stages" aria-label=${t('panels.templates.stages')}>
              ${o.stages.map((s) => html`<li class="badge">${s.name}</li>`)}
            </ol>`
          : nothing
      }
      <p class="hint">${t('panels.templates.paramCount', { count: params })}</p>
      <button type="button" class="primary" data-testid="template-use" @click=${() => this.choose(tpl)}>
        ${t('panels.templates.use')}
      </button>
    </li>`;
  }

  private renderForm(tpl: Template): TemplateResult {
    const idProblemNow = this.problems['#id'];
    return html`<section aria-labelledby="form-title">
      <h2 id="form-title">${t('panels.templates.formTitle', { name: tpl.name || tpl.id })}</h2>
      <form novalidate data-testid="template-form" @submit=${this.submit}>
        <div class="field">
          <label for="pb-id">${t('panels.templates.playbookId')} *</label>
          <input
            id="pb-id"
            data-testid="template-playbook-id"
            .value=${this.playbookId}
            required
            autocomplete="off"
            spellcheck="false"
            aria-invalid=${idProblemNow ? 'true' : 'false'}
            aria-describedby="pb-id-hint pb-id-error"
            @input=${(e: Event) => {
              this.playbookId = (e.target as HTMLInputElement).value;
              if (this.problems['#id']) this.checkId();
            }}
            @blur=${() => this.checkId()}
          />
          <p class="hint" id="pb-id-hint">${t('panels.templates.playbookIdHint')}</p>
          <p class="field-error" id="pb-id-error" aria-live="polite">${problemText(idProblemNow)}</p>
        </div>
        ${
          this.fields.length === 0
            ? html`<p class="hint">${t('panels.templates.noParams')}</p>`
            : this.fields.map((f) => this.renderField(f))
        }
        ${
          this.submitError !== null
            ? html`<div class="state error" role="alert" data-testid="template-submit-error">
                ${errorText(this.submitError)}
              </div>`
            : nothing
        }
        <div class="actions">
          <button type="submit" class="primary" data-testid="template-create" ?disabled=${this.submitting}>
            ${this.submitting ? t('panels.templates.creating') : t('panels.templates.create')}
          </button>
          <button type="button" data-testid="template-cancel" @click=${this.back}>${t('panels.cancel')}</button>
        </div>
      </form>
    </section>`;
  }

  private renderField(f: ParamField): TemplateResult {
    const id = `p-${f.name}`;
    const problem = this.problems[f.name];
    const value = this.values[f.name] ?? f.initial;
    const describedBy = `${id}-hint ${id}-error`;
    const common = {
      invalid: problem ? 'true' : 'false',
    };
    let control: TemplateResult;
    if (f.kind === 'boolean') {
      control = html`<input
        type="checkbox"
        id=${id}
        data-testid="template-param"
        data-param=${f.name}
        .checked=${value === true}
        aria-describedby=${describedBy}
        @change=${(e: Event) => this.setValue(f, (e.target as HTMLInputElement).checked)}
      />`;
    } else if (f.kind === 'choice') {
      control = html`<select
        id=${id}
        data-testid="template-param"
        data-param=${f.name}
        aria-invalid=${common.invalid}
        aria-describedby=${describedBy}
        ?required=${f.required}
        @change=${(e: Event) => {
          this.setValue(f, (e.target as HTMLSelectElement).value);
          this.check(f);
        }}
      >
        ${f.required && value === '' ? html`<option value="" selected disabled>${t('panels.form.choose')}</option>` : nothing}
        ${(f.options ?? []).map((o) => html`<option value=${String(o)} ?selected=${String(o) === value}>${String(o)}</option>`)}
      </select>`;
    } else {
      const numeric = f.kind === 'integer' || f.kind === 'money' || f.kind === 'number';
      control = html`<input
        id=${id}
        data-testid="template-param"
        data-param=${f.name}
        type="text"
        inputmode=${numeric ? (f.kind === 'number' ? 'decimal' : 'numeric') : 'text'}
        .value=${String(value)}
        ?required=${f.required}
        aria-invalid=${common.invalid}
        aria-describedby=${describedBy}
        @input=${(e: Event) => this.setValue(f, (e.target as HTMLInputElement).value)}
        @blur=${() => this.check(f)}
      />`;
    }
    return html`<div class="field">
      <label for=${id}>${f.label}${f.required ? ' *' : ''}</label>
      ${control}
      <p class="hint" id="${id}-hint">${[f.description, this.kindHint(f)].filter((x) => x !== '').join(' · ')}</p>
      <p class="field-error" id="${id}-error" aria-live="polite">${problemText(problem)}</p>
    </div>`;
  }

  private kindHint(f: ParamField): string {
    const parts: string[] = [];
    if (f.kind === 'money') parts.push(t('panels.form.moneyHint'));
    if (f.kind === 'duration') parts.push(t('panels.form.durationHint'));
    if (f.minimum !== undefined && f.maximum !== undefined) {
      parts.push(t('panels.form.range', { min: f.minimum, max: f.maximum }));
    } else if (f.minimum !== undefined) parts.push(t('panels.form.min', { min: f.minimum }));
    else if (f.maximum !== undefined) parts.push(t('panels.form.max', { max: f.maximum }));
    return parts.join(' ');
  }
}

if (!customElements.get('kith-templates-panel'))
  customElements.define('kith-templates-panel', KithTemplatesPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kith-templates-panel': KithTemplatesPanel;
  }
}
