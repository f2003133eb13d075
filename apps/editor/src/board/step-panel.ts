/**
 * The form of the selected step: id, label, and its action's fields generated from the step
 * schema (descriptions as help, enums and references as selects, problems shown inline). Each
 * change is reported as (field path, value); the editor writes it into the YAML.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { LangController, t } from '../i18n/index.js';
import type { StepNode } from '../model/board.js';
import {
  buildForm,
  type FormField,
  type FormMessages,
  listText,
  type MapRow,
  mapRows,
  mapValue,
  parseInput,
  type RefNames,
  variantValue,
} from '../model/form.js';
import type { Schema } from '../model/schema.js';

export interface StepEditDetail {
  /** The board pointer of the step (inherited steps have no path in the client's file). */
  pointer: string;
  step: (string | number)[];
  field: (string | number)[];
  value: unknown;
}

function messages(): FormMessages {
  return {
    required: t('form.required'),
    notInteger: t('form.notInteger'),
    notNumber: t('form.notNumber'),
    tooSmall: (min) => t('form.tooSmall', { min }),
    tooLarge: (max) => t('form.tooLarge', { max }),
    notOneOf: (choices) => t('form.notOneOf', { choices }),
    pattern: t('form.pattern'),
    unknownRef: (section, names) => t('form.unknownRef', { section, names: names || '—' }),
    invalidJson: t('form.invalidJson'),
    badKey: (key) => t('form.badKey', { key }),
    duplicateKey: (key) => t('form.duplicateKey', { key }),
  };
}

export class KithStepPanel extends LitElement {
  static override properties = {
    step: { attribute: false },
    stepSchema: { attribute: false },
    refs: { attribute: false },
    actionSchemas: { attribute: false },
    problems: { attribute: false },
    jsonErrors: { state: true },
    mapDrafts: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      font-size: 13px;
    }
    .map-row {
      display: grid;
      grid-template-columns: minmax(6em, 1fr) 2fr auto;
      gap: 4px;
      margin-bottom: 4px;
    }
    .map-row input {
      min-width: 0;
    }
    .map-add {
      justify-self: start;
    }
    h2 {
      font-size: 14px;
      margin: 0 0 8px;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 2px;
      margin-bottom: 10px;
    }
    label {
      font-weight: 600;
      font-size: 12px;
    }
    .req {
      color: var(--kith-error, #b3261e);
    }
    .help {
      color: var(--kith-muted, #5b6575);
      font-size: 11px;
    }
    .err {
      color: var(--kith-error, #b3261e);
      font-size: 12px;
    }
    input,
    select,
    textarea {
      max-width: 100%;
      box-sizing: border-box;
      font: inherit;
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: 4px;
      padding: 4px 6px;
      background: #fff;
    }
    textarea {
      min-height: 56px;
      resize: vertical;
      font-family: ui-monospace, monospace;
      font-size: 12px;
    }
    [aria-invalid='true'] {
      border-color: var(--kith-error, #b3261e);
      background: var(--kith-error-weak, #fdecea);
    }
    :focus-visible {
      outline: 3px solid #7aa2ff;
    }
    .problems {
      margin: 0 0 10px;
      padding: 6px 8px;
      background: var(--kith-error-weak, #fdecea);
      border-radius: 4px;
      list-style: none;
    }
    .actions {
      display: flex;
      gap: 6px;
      margin-top: 8px;
    }
    button {
      font: inherit;
      padding: 4px 10px;
      border-radius: 4px;
      border: 1px solid var(--kith-border, #d9dde3);
      background: #fff;
      cursor: pointer;
    }
    button.danger {
      color: var(--kith-error, #b3261e);
    }
    fieldset {
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: 4px;
      padding: 6px 8px;
      margin: 0 0 10px;
    }
  `;

  declare step: StepNode | undefined;
  declare stepSchema: Schema | undefined;
  declare refs: RefNames;
  /** Input schemas of plugin actions, by `instance.action`, for the `with` of a `call`. */
  declare actionSchemas: ReadonlyMap<string, Schema>;
  declare problems: readonly string[];
  declare jsonErrors: Record<string, string>;
  /**
   * Map controls' rows as the operator left them, blank rows included (a row without a name is
   * not in the YAML). Shown while the step's value is the one they were made from or the one
   * they wrote; any other change to the value (an edit in the YAML view) replaces them.
   */
  declare mapDrafts: Record<string, { rows: MapRow[]; before: string; after: string }>;
  private readonly i18n = new LangController(this);

  constructor() {
    super();
    this.step = undefined;
    this.stepSchema = undefined;
    this.refs = {};
    this.actionSchemas = new Map();
    this.problems = [];
    this.jsonErrors = {};
    this.mapDrafts = {};
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // what is being typed belongs to one step: another step starts with none of it
    const before = changed.get('step') as StepNode | undefined;
    const where = (n: StepNode | undefined) => (n ? `${n.pointer}|${n.path.join('/')}` : '');
    if (changed.has('step') && where(before) !== where(this.step)) {
      this.jsonErrors = {};
      this.mapDrafts = {};
    }
  }

  private edit(field: (string | number)[], value: unknown): void {
    if (!this.step) return;
    const detail: StepEditDetail = { pointer: this.step.pointer, step: [...this.step.path], field, value };
    this.dispatchEvent(new CustomEvent('step-edit', { detail, bubbles: true, composed: true }));
  }

  override render() {
    void this.i18n;
    const step = this.step;
    if (!step) return html`<p class="help">${t('panel.noSelection')}</p>`;
    const kind = step.kind;
    const schema = kind ? this.stepSchema?.properties?.[kind] : undefined;
    return html`<form aria-label=${t('panel.stepForm', { id: step.id })} @submit=${(e: Event) => e.preventDefault()}>
      <h2>${t('panel.step', { id: step.id })}${kind ? html` · ${t(`kind.${kind}`)}` : nothing}</h2>
      ${
        this.problems.length > 0
          ? html`<ul class="problems" role="alert">${this.problems.map((p) => html`<li>${p}</li>`)}</ul>`
          : nothing
      }
      ${step.inherited ? html`<p class="help" role="note">${t('panel.inherited')}</p>` : nothing}
      ${this.textField('id', t('panel.id'), t('panel.idHelp'), step.id, ['id'], true, Boolean(step.inherited))}
      ${this.textField('name', t('panel.name'), t('panel.nameHelp'), step.name ?? '', ['name'], false)}
      ${kind && schema ? this.actionForm(kind, schema, step.value[kind]) : nothing}
      ${kind === 'call' ? this.callWithForm(step) : nothing}
      <div class="actions" ?hidden=${Boolean(step.inherited)}>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('step-duplicate', { detail: { path: step.path }, bubbles: true, composed: true }))}>
          ${t('panel.duplicate')}
        </button>
        <button type="button" class="danger" @click=${() => this.dispatchEvent(new CustomEvent('board-delete-step', { detail: { path: step.path }, bubbles: true, composed: true }))}>
          ${t('panel.delete')}
        </button>
      </div>
    </form>`;
  }

  private textField(
    key: string,
    label: string,
    help: string,
    value: string,
    path: (string | number)[],
    required: boolean,
    readonly = false,
  ): TemplateResult {
    const id = `f-${key}`;
    const error = required && value.trim() === '' ? t('form.required') : undefined;
    return html`<div class="field">
      <label for=${id}>${label}${required ? html` <span class="req" aria-hidden="true">*</span>` : nothing}</label>
      <input
        id=${id}
        name=${key}
        .value=${value}
        ?required=${required}
        ?readonly=${readonly}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby="${id}-help"
        @change=${(e: Event) => {
          const v = (e.target as HTMLInputElement).value.trim();
          if (required && v === '') return;
          this.edit(path, v === '' ? undefined : v);
        }}
      />
      <span class="help" id="${id}-help">${help}</span>
      ${error ? html`<span class="err" role="alert">${error}</span>` : nothing}
    </div>`;
  }

  private actionForm(kind: string, schema: Schema, value: unknown): TemplateResult {
    const form = buildForm(schema, value, this.refs, messages());
    const base: (string | number)[] = [kind];
    return html`<fieldset>
      <legend>${t(`kind.${kind}`)}</legend>
      <p class="help">${schema.description ?? ''}</p>
      ${
        form.variants.length > 0
          ? html`<div class="field">
            <label for="f-variant">${t('panel.variant')}</label>
            <select
              id="f-variant"
              @change=${(e: Event) => this.edit(base, variantValue(schema, Number((e.target as HTMLSelectElement).value)))}
            >
              ${form.variants.map((v) => html`<option value=${v.index} ?selected=${v.index === form.variant}>${v.label}</option>`)}
            </select>
          </div>`
          : nothing
      }
      ${form.fields
        .filter((f) => !(kind === 'call' && f.key === 'with'))
        .map((f) => this.field(f, [...base, ...f.path], `${kind}-${f.key}`))}
    </fieldset>`;
  }

  private callWithForm(step: StepNode): TemplateResult | typeof nothing {
    const call = step.value.call as { plugin?: string; action?: string; with?: unknown } | undefined;
    const schema = call ? this.actionSchemas.get(`${call.plugin}.${call.action}`) : undefined;
    if (!schema?.properties) return nothing;
    const form = buildForm(schema, call?.with ?? {}, this.refs, messages());
    return html`<fieldset>
      <legend>${t('panel.inputs', { action: `${call?.plugin}.${call?.action}` })}</legend>
      ${form.fields.map((f) => this.field(f, ['call', 'with', ...f.path], `with-${f.key}`, call?.with === undefined))}
    </fieldset>`;
  }

  /**
   * Named values as rows of two inputs. A row whose name is still empty stays on screen only
   * (the YAML gets it once it has a name); removing a row writes the map without it.
   */
  private mapControl(
    f: FormField,
    id: string,
    describedBy: string,
    invalid: string,
    write: (value: { value: unknown }) => void,
  ): TemplateResult {
    const current = JSON.stringify(f.value ?? null);
    const draft = this.mapDrafts[id];
    const shown: MapRow[] =
      draft && (draft.before === current || draft.after === current) ? draft.rows : mapRows(f.value);
    const commit = (container: HTMLElement, without?: number): void => {
      const read: MapRow[] = [...container.querySelectorAll<HTMLElement>('.map-row')]
        .filter((_, i) => i !== without)
        .map((row) => [
          row.querySelector<HTMLInputElement>('input.map-key')?.value ?? '',
          row.querySelector<HTMLInputElement>('input.map-value')?.value ?? '',
        ]);
      const result = mapValue(f, read, messages());
      if ('error' in result) {
        this.jsonErrors = { ...this.jsonErrors, [id]: result.error };
        return;
      }
      if (this.jsonErrors[id] !== undefined) {
        const { [id]: _fixed, ...rest } = this.jsonErrors;
        this.jsonErrors = rest;
      }
      const after = JSON.stringify(result.value ?? null);
      this.mapDrafts = { ...this.mapDrafts, [id]: { rows: read, before: current, after } };
      if (after !== current) write(result);
    };
    const onInput = (e: Event): void =>
      commit((e.currentTarget as HTMLElement).closest('.map') as HTMLElement);
    return html`<div class="map" id=${id} role="group" aria-describedby=${describedBy} aria-invalid=${invalid}>
      ${shown.map(
        ([key, value], i) => html`<div class="map-row">
          <input class="map-key" aria-label=${t('form.mapName')} placeholder=${t('form.mapName')} .value=${key} @change=${onInput} />
          <input class="map-value" aria-label=${`${t('form.mapValue')} ${key}`.trim()} placeholder=${t('form.mapValue')} .value=${value} @change=${onInput} />
          <button
            type="button"
            class="map-remove"
            aria-label=${t('form.removeRow', { name: key || String(i + 1) })}
            @click=${(e: Event) => commit((e.currentTarget as HTMLElement).closest('.map') as HTMLElement, i)}
          >×</button>
        </div>`,
      )}
      <button type="button" class="map-add" @click=${() => {
        this.mapDrafts = {
          ...this.mapDrafts,
          [id]: { rows: [...shown, ['', '']], before: current, after: current },
        };
      }}>${t('form.addRow')}</button>
    </div>`;
  }

  private field(f: FormField, path: (string | number)[], id: string, parentMissing = false): TemplateResult {
    const error = this.jsonErrors[id] ?? f.error;
    const describedBy = `${id}-help`;
    const onChange = (raw: string | boolean | { value: unknown }): void => {
      try {
        const value = typeof raw === 'object' ? raw.value : parseInput(f, raw);
        this.jsonErrors = { ...this.jsonErrors, [id]: '' };
        delete this.jsonErrors[id];
        if (parentMissing && value !== undefined)
          this.edit(path.slice(0, -1), { [String(path[path.length - 1])]: value });
        else this.edit(path, value);
      } catch {
        this.jsonErrors = { ...this.jsonErrors, [id]: t('form.invalidJson') };
      }
    };
    const common = {
      id,
      invalid: error ? 'true' : 'false',
    };
    let control: TemplateResult;
    switch (f.control) {
      case 'checkbox':
        control = html`<input
          type="checkbox"
          id=${id}
          .checked=${f.value === true}
          aria-describedby=${describedBy}
          @change=${(e: Event) => onChange((e.target as HTMLInputElement).checked)}
        />`;
        break;
      case 'select': {
        const current = f.value === undefined ? '' : String(f.value);
        const known = f.options.some((o) => String(o.value) === current);
        control = html`<select
          id=${id}
          aria-invalid=${common.invalid}
          aria-describedby=${describedBy}
          @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}
        >
          <option value="" ?selected=${current === ''}>${f.required ? t('form.choose') : t('form.none')}</option>
          ${f.options.map((o) => html`<option value=${String(o.value)} ?selected=${String(o.value) === current}>${o.label}</option>`)}
          ${!known && current !== '' ? html`<option value=${current} selected>${current}</option>` : nothing}
        </select>`;
        break;
      }
      case 'textarea':
        control = html`<textarea
          id=${id}
          .value=${f.value === undefined ? '' : String(f.value)}
          aria-invalid=${common.invalid}
          aria-describedby=${describedBy}
          @change=${(e: Event) => onChange((e.target as HTMLTextAreaElement).value)}
        ></textarea>`;
        break;
      case 'list':
        control = html`<textarea
          id=${id}
          class="list"
          rows=${Math.max(2, Array.isArray(f.value) ? f.value.length + 1 : 2)}
          .value=${listText(f.value)}
          placeholder=${t('form.onePerLine')}
          aria-invalid=${common.invalid}
          aria-describedby=${describedBy}
          @change=${(e: Event) => onChange((e.target as HTMLTextAreaElement).value)}
        ></textarea>`;
        break;
      case 'map':
        control = this.mapControl(f, id, describedBy, common.invalid, (value) => onChange(value));
        break;
      case 'json':
        control = html`<textarea
          id=${id}
          .value=${f.value === undefined ? '' : JSON.stringify(f.value)}
          aria-invalid=${common.invalid}
          aria-describedby=${describedBy}
          @change=${(e: Event) => onChange((e.target as HTMLTextAreaElement).value)}
        ></textarea>`;
        break;
      default:
        control = html`<input
          id=${id}
          type=${(f.control === 'integer' || f.control === 'number') && !f.param ? 'number' : 'text'}
          inputmode=${f.control === 'integer' || f.control === 'number' ? 'decimal' : 'text'}
          step=${f.control === 'integer' ? '1' : 'any'}
          .value=${f.value === undefined || typeof f.value === 'object' ? '' : String(f.value)}
          aria-invalid=${common.invalid}
          aria-describedby=${describedBy}
          @change=${(e: Event) => onChange((e.target as HTMLInputElement).value)}
        />`;
    }
    return html`<div class="field">
      <label for=${id}>${f.key === 'value' ? t('panel.value') : f.label}${f.required ? html` <span class="req" aria-hidden="true">*</span>` : nothing}</label>
      ${control}
      <span class="help" id=${describedBy}>${f.help}</span>
      ${error ? html`<span class="err" role="alert">${error}</span>` : nothing}
    </div>`;
  }
}

customElements.define('kith-step-panel', KithStepPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kith-step-panel': KithStepPanel;
  }
}
