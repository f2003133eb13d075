/**
 * One playbook, as a board and as YAML side by side. The YAML text is the single source of truth:
 * board edits become line edits of the text (comments survive), YAML edits re-read the board,
 * and the worker's diagnostics mark both. Saving sends the revision it was based on; a 409 means
 * someone else saved meanwhile and the operator chooses what to keep.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { ApiError, type KithApi } from '../api/client.js';
import type { PluginEntry } from '../api/types.js';
import '../board/board-view.js';
import type { DropPaletteDetail, MoveJourneyDetail, MoveStepDetail } from '../board/board-view.js';
import '../board/palette-view.js';
import '../board/step-panel.js';
import type { StepEditDetail } from '../board/step-panel.js';
import { type Diagnostic, type ValidationResult, Validator } from '../diagnostics/validator.js';
import { getLang, LangController, t } from '../i18n/index.js';
import { type BoardModel, journeyOf, readBoard, sectionsOf, toPointer } from '../model/board.js';
import {
  customizeJourney,
  extendsSpec,
  mergedBoard,
  overrideStepField,
  templateStepValue,
} from '../model/inherit.js';
import { type DiffLine, lineDiff } from '../model/line-diff.js';
import {
  addStep,
  deleteStep,
  duplicateStep,
  EditError,
  moveJourney,
  moveStep,
  type Path,
  updateStepField,
} from '../model/operations.js';
import { buildPalette, type CatalogueEntry, type PaletteItem, refNamesOf } from '../model/palette.js';
import { findById, type Schema } from '../model/schema.js';
import { parseYaml } from '../model/yaml-text.js';
import { type Mark, marksOf, sameMarks, targetOf } from './diagnostic-marks.js';

/** How long typing in the YAML view pauses before the board follows. */
const BOARD_PAUSE_MS = 300;

type SaveState = 'clean' | 'dirty' | 'saving' | 'saved' | 'conflict' | 'failed';

let schemaPromise: Promise<Schema> | undefined;
/** The published playbook schema ships with the editor as its own chunk, loaded once. */
function loadSchema(): Promise<Schema> {
  schemaPromise ??= import('@kith/playbook/schema/playbook.schema.json').then((m) => m.default as Schema);
  return schemaPromise;
}

export class KithPlaybookEditor extends LitElement {
  static override properties = {
    api: { attribute: false },
    tenant: { type: String },
    playbookId: { type: String, attribute: 'playbook-id' },
    text: { state: true },
    model: { state: true },
    diagnostics: { state: true },
    selected: { state: true },
    showYaml: { state: true },
    yamlReady: { state: true },
    saveState: { state: true },
    message: { state: true },
    conflict: { state: true },
    palette: { state: true },
    stepSchema: { state: true },
    loadError: { state: true },
    lastValidationMs: { state: true },
  };

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100%;
      min-height: 0;
    }
    .toolbar {
      display: flex;
      gap: 8px;
      align-items: center;
      padding: 6px 12px;
      border-bottom: 1px solid var(--kith-border, #d9dde3);
      background: var(--kith-surface, #fff);
      flex-wrap: wrap;
    }
    .toolbar h1 {
      font-size: 15px;
      margin: 0 8px 0 0;
    }
    .status {
      color: var(--kith-muted, #5b6575);
      font-size: 12px;
    }
    .counts .e {
      color: var(--kith-error, #b3261e);
      font-weight: 600;
    }
    .counts .w {
      color: var(--kith-warning, #8a5a00);
    }
    .spacer {
      flex: 1;
    }
    button {
      font: inherit;
      padding: 4px 10px;
      border-radius: 4px;
      border: 1px solid var(--kith-border, #d9dde3);
      background: #fff;
      cursor: pointer;
    }
    button.primary {
      background: var(--kith-accent, #2456c7);
      color: #fff;
      border-color: var(--kith-accent, #2456c7);
    }
    button:disabled {
      opacity: 0.55;
      cursor: default;
    }
    :focus-visible {
      outline: 3px solid #7aa2ff;
    }
    .main {
      flex: 1;
      display: grid;
      grid-template-columns: minmax(0, 1fr) 270px;
      grid-template-rows: auto minmax(0, 1fr);
      min-height: 0;
    }
    .main.with-yaml {
      grid-template-columns: minmax(0, 1fr) minmax(0, 0.9fr) 270px;
    }
    .strip {
      grid-column: 1 / -2;
      padding: 4px 12px 6px;
      border-bottom: 1px solid var(--kith-border, #d9dde3);
      background: var(--kith-surface, #fff);
    }
    .right {
      grid-row: 1 / span 2;
      grid-column: -2;
    }
    .side {
      overflow: auto;
      padding: 8px 10px;
      background: var(--kith-surface, #fff);
      border-right: 1px solid var(--kith-border, #d9dde3);
    }
    .side.right {
      border-right: 0;
      border-left: 1px solid var(--kith-border, #d9dde3);
    }
    .yaml {
      min-height: 0;
      border-left: 1px solid var(--kith-border, #d9dde3);
    }
    kith-board {
      min-height: 0;
    }
    .banner {
      padding: 8px 12px;
      background: var(--kith-warning-weak, #fff4dc);
      border-bottom: 1px solid #e7c983;
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .banner.error {
      background: var(--kith-error-weak, #fdecea);
      border-color: #f0b8b3;
    }
    .banner details {
      flex-basis: 100%;
    }
    pre.diff {
      max-height: 220px;
      overflow: auto;
      background: #fff;
      border: 1px solid var(--kith-border, #d9dde3);
      font-size: 12px;
      margin: 4px 0 0;
      padding: 4px;
    }
    .add {
      color: var(--kith-ok, #1e7a3c);
    }
    .del {
      color: var(--kith-error, #b3261e);
    }
    .problems {
      list-style: none;
      margin: 8px 0 0;
      padding: 0;
      font-size: 12px;
    }
    .problems button {
      border: 0;
      background: none;
      text-align: left;
      padding: 2px 0;
      width: 100%;
    }
    .problems .sev-error {
      color: var(--kith-error, #b3261e);
    }
    .problems .sev-warning {
      color: var(--kith-warning, #8a5a00);
    }
    h3 {
      font-size: 12px;
      margin: 12px 0 4px;
    }
  `;

  declare api: KithApi | undefined;
  declare tenant: string;
  declare playbookId: string;
  declare text: string;
  declare model: BoardModel | undefined;
  declare diagnostics: readonly Diagnostic[];
  declare selected: string;
  declare showYaml: boolean;
  declare yamlReady: boolean;
  declare saveState: SaveState;
  declare message: string;
  declare conflict: { theirs: string; revision: number; diff: DiffLine[] } | undefined;
  declare palette: PaletteItem[];
  declare stepSchema: Schema | undefined;
  declare loadError: string;
  declare lastValidationMs: number;

  private readonly i18n = new LangController(this);
  private revision = 0;
  private savedText = '';
  private catalogue: CatalogueEntry[] = [];
  private sections: Record<string, unknown> = {};
  /** The last resolved playbook (template merged), for playbooks that extend a template. */
  private resolved: unknown;
  private template: string | undefined;
  private sectionsKey = '';
  private boardTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly validator = new Validator((r) => this.onValidated(r));
  private marks: Map<string, Mark> = new Map();

  constructor() {
    super();
    this.api = undefined;
    this.tenant = '';
    this.playbookId = '';
    this.text = '';
    this.model = undefined;
    this.diagnostics = [];
    this.selected = '';
    this.showYaml = localStorage.getItem('kith.showYaml') !== 'false';
    this.yamlReady = false;
    this.saveState = 'clean';
    this.message = '';
    this.conflict = undefined;
    this.palette = [];
    this.stepSchema = undefined;
    this.loadError = '';
    this.lastValidationMs = 0;
  }

  private get file(): string {
    return `${this.playbookId || 'playbook'}.yaml`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('beforeunload', this.onBeforeUnload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.validator.dispose();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (
      (changed.has('playbookId') || changed.has('tenant') || changed.has('api')) &&
      this.api &&
      this.playbookId
    )
      void this.load();
    if (changed.has('showYaml') && this.showYaml && !this.yamlReady)
      void import('../yaml/yaml-view.js').then(() => {
        this.yamlReady = true;
      });
  }

  /** Loads a text directly (benchmarks, tests and offline use), without a server. */
  loadText(text: string): void {
    this.savedText = text;
    this.setText(text, 'load');
  }

  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.loadError = '';
    try {
      const [playbook, plugins, templates] = await Promise.all([
        api.getPlaybook(this.tenant, this.playbookId),
        api.listPlugins().catch(() => ({ items: [] as PluginEntry[] })),
        api.listTemplates().catch(() => ({ items: [] })),
      ]);
      this.catalogue = plugins.items as unknown as CatalogueEntry[];
      this.validator.configure(
        Object.fromEntries(templates.items.map((tpl) => [`@kith/templates/${tpl.id}`, tpl.source])),
        plugins.items.map((p) => ({
          name: p.name,
          version: p.version,
          kind: p.kind,
          configSchema: p.configSchema as object,
          actions: p.actions as Record<string, { inputSchema: object }>,
        })),
      );
      this.revision = playbook.revision;
      this.savedText = playbook.source;
      this.diagnostics = playbook.diagnostics;
      this.saveState = 'clean';
      this.conflict = undefined;
      this.setText(playbook.source, 'load');
    } catch (error) {
      this.loadError = describe(error);
    }
  }

  private setText(text: string, from: 'load' | 'board' | 'yaml'): void {
    this.text = text;
    if (from !== 'load') this.saveState = text === this.savedText ? 'clean' : 'dirty';
    // Board edits re-read the board at once. Typing in the YAML re-reads it after a pause in
    // the typing: re-reading (a whole YAML parse and a board render, tens of ms on 500 steps)
    // after every keystroke would hold back the next keystrokes and their diagnostics.
    clearTimeout(this.boardTimer);
    if (from === 'yaml') this.boardTimer = setTimeout(() => this.refreshBoard(), BOARD_PAUSE_MS);
    else this.refreshBoard();
    this.validator.validate(text, this.file, from !== 'yaml');
  }

  private refreshBoard(): void {
    clearTimeout(this.boardTimer);
    this.boardTimer = undefined;
    const doc = parseYaml(this.text);
    const own = readBoard(doc);
    this.template = extendsSpec(doc);
    this.model = this.template && this.resolved ? mergedBoard(own, this.resolved) : own;
    this.marks = sameMarks(this.marks, marksOf(this.model, this.diagnostics, this.file));
    const sections =
      this.template && isRecord(this.resolved) ? sectionsFromValue(this.resolved) : sectionsOf(doc);
    const key = JSON.stringify(sections);
    if (key !== this.sectionsKey) {
      this.sectionsKey = key;
      this.sections = sections;
      void this.refreshPalette(sections);
    }
  }

  private get templateText(): string | undefined {
    if (!this.template) return undefined;
    const spec = this.template.startsWith('@kith/templates/')
      ? this.template
      : `@kith/templates/${this.template}`;
    return this.validator.templates[spec];
  }

  private async refreshPalette(playbook: unknown): Promise<void> {
    const schema = await loadSchema();
    this.stepSchema ??= findById(schema, 'Step');
    if (!this.stepSchema) return;
    this.palette = buildPalette(this.stepSchema, playbook, this.catalogue, refNamesOf(playbook));
  }

  private onValidated(r: ValidationResult): void {
    if (r.text !== this.text) return;
    this.diagnostics = r.diagnostics;
    this.lastValidationMs = r.ms;
    const templateChanged = r.resolved !== undefined && this.template !== undefined;
    if (r.resolved !== undefined) this.resolved = r.resolved;
    if (templateChanged) this.refreshBoard();
    else if (this.model) this.marks = sameMarks(this.marks, marksOf(this.model, r.diagnostics, this.file));
    this.dispatchEvent(
      new CustomEvent('kith-validated', { detail: { ms: r.ms, count: r.diagnostics.length } }),
    );
  }

  /** Whether there are changes not saved to the server. */
  get dirty(): boolean {
    return this.saveState === 'dirty' || this.saveState === 'conflict' || this.saveState === 'failed';
  }

  private apply(edit: (text: string) => string): void {
    // Editing a document the parser cannot read could write in the wrong place: fix it first.
    const broken = parseYaml(this.text).errors[0];
    if (broken) {
      const line = broken.linePos?.[0].line ?? 1;
      this.message = t('editor.yamlBroken', { line, reason: broken.message.split('\n')[0] ?? '' });
      return;
    }
    try {
      const next = edit(this.text);
      this.message = '';
      if (next !== this.text) this.setText(next, 'board');
    } catch (error) {
      this.message = error instanceof EditError ? error.message : describe(error);
    }
  }

  private onMoveStep = (e: CustomEvent<MoveStepDetail>): void => {
    const { from, toList, index } = e.detail;
    const before = this.text;
    this.apply((text) => moveStep(text, from, toList, index));
    if (this.text !== before && this.selected === toPointer(from)) {
      // The selection follows the moved step.
      const fromIndex = from[from.length - 1] as number;
      const sameList = toPointer(from.slice(0, -1)) === toPointer(toList);
      this.selected = toPointer([...toList, sameList && index > fromIndex ? index - 1 : index]);
    }
  };

  private onMoveJourney = (e: CustomEvent<MoveJourneyDetail>): void => {
    const { from, toStage, index } = e.detail;
    this.apply((text) => moveJourney(text, from, toStage, index));
  };

  private onDropPalette = (e: CustomEvent<DropPaletteDetail>): void => {
    const item = this.palette.find((p) => p.key === e.detail.key);
    if (item) this.insertFromPalette(item, e.detail.toList, e.detail.index);
  };

  private insertFromPalette(item: PaletteItem, list: Path, index: number): void {
    const before = this.text;
    this.apply((text) => addStep(text, list, index, item.fields));
    if (this.text !== before) {
      this.selected = toPointer([...list, index]);
      this.announce(t('editor.added', { kind: t(`kind.${item.kind}`) }));
    }
  }

  /** Palette click: after the selected step, or at the end of the selected (or first) journey. */
  private onPaletteAdd = (e: CustomEvent<{ key: string }>): void => {
    const item = this.palette.find((p) => p.key === e.detail.key);
    const model = this.model;
    if (!item || !model) return;
    const step = model.steps.get(this.selected);
    if (step?.inherited || model.journeys.get(this.selected)?.inherited) {
      this.onLocked();
      return;
    }
    if (step) {
      const index = step.path[step.path.length - 1] as number;
      this.insertFromPalette(item, step.path.slice(0, -1), index + 1);
      return;
    }
    const journey =
      model.journeys.get(this.selected) ?? model.stages.flatMap((s) => s.journeys).find((j) => !j.inherited);
    if (!journey) {
      this.message = t('editor.noJourney');
      return;
    }
    this.insertFromPalette(item, journey.stepsPath, journey.steps.length);
  };

  private onStepEdit = (e: CustomEvent<StepEditDetail>): void => {
    const { pointer, step, field, value } = e.detail;
    const wasSelected = this.selected;
    const node = this.model?.steps.get(pointer);
    const inherited = node?.inherited;
    if (node && inherited) {
      const templateValue = this.templateText
        ? templateStepValue(this.templateText, inherited.journey, inherited.step)
        : undefined;
      this.apply((text) => overrideStepField(text, inherited, field, value, templateValue, node.value));
    } else this.apply((text) => updateStepField(text, step, field, value));
    this.selected = wasSelected;
  };

  private onCustomize = (e: CustomEvent<{ stage: string; journey: string }>): void => {
    const template = this.templateText;
    if (!template) {
      this.message = t('editor.noTemplate', { template: this.template ?? '' });
      return;
    }
    this.apply((text) => customizeJourney(text, template, e.detail.stage, e.detail.journey));
    this.announce(t('editor.customized', { journey: e.detail.journey }));
  };

  private onLocked = (): void => {
    this.message = t('editor.inheritedLocked');
  };

  private onDelete = (e: CustomEvent<{ path: Path }>): void => {
    const step = this.model?.steps.get(toPointer(e.detail.path));
    if (!step || !window.confirm(t('editor.confirmDelete', { id: step.id }))) return;
    this.apply((text) => deleteStep(text, e.detail.path));
    this.selected = '';
    this.announce(t('editor.deleted', { id: step.id }));
  };

  private onDuplicate = (e: CustomEvent<{ path: Path }>): void => {
    this.apply((text) => duplicateStep(text, e.detail.path));
  };

  private onYamlChange = (e: CustomEvent<{ text: string }>): void => {
    this.setText(e.detail.text, 'yaml');
  };

  private onKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void this.save();
    } else if (e.altKey && e.shiftKey && e.key.toLowerCase() === 'y') {
      e.preventDefault();
      this.toggleYaml();
    }
  };

  private onBeforeUnload = (e: BeforeUnloadEvent): void => {
    if (this.saveState === 'dirty' || this.saveState === 'conflict') e.preventDefault();
  };

  private toggleYaml(): void {
    this.showYaml = !this.showYaml;
    localStorage.setItem('kith.showYaml', String(this.showYaml));
  }

  private announce(text: string): void {
    this.message = text;
  }

  async save(overwrite = false): Promise<void> {
    const api = this.api;
    if (!api || this.saveState === 'saving') return;
    const revision = overwrite && this.conflict ? this.conflict.revision : this.revision;
    this.saveState = 'saving';
    const text = this.text;
    try {
      const saved = await api.savePlaybook(this.tenant, this.playbookId, { source: text, revision });
      this.revision = saved.revision;
      this.savedText = text;
      this.conflict = undefined;
      this.saveState = this.text === text ? 'saved' : 'dirty';
      this.dispatchEvent(
        new CustomEvent('kith-saved', {
          detail: { revision: saved.revision },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.isConflict) {
        try {
          const theirs = await api.getPlaybook(this.tenant, this.playbookId);
          this.conflict = {
            theirs: theirs.source,
            revision: theirs.revision,
            diff: lineDiff(theirs.source, text),
          };
        } catch (inner) {
          this.message = describe(inner);
        }
        this.saveState = 'conflict';
      } else {
        this.saveState = 'failed';
        this.message = describe(error);
      }
    }
  }

  private reloadTheirs(): void {
    if (!this.conflict) return;
    this.revision = this.conflict.revision;
    this.savedText = this.conflict.theirs;
    this.conflict = undefined;
    this.setText(this.savedText, 'load');
    this.saveState = 'clean';
  }

  private reveal(d: Diagnostic): void {
    const target = this.model ? targetOf(this.model, d, this.file) : undefined;
    if (target && this.model?.steps.has(target)) this.selected = target;
    if (d.file !== this.file) return;
    if (!this.showYaml) this.toggleYaml();
    void this.updateComplete.then(() => this.renderRoot.querySelector('kith-yaml-view')?.reveal(d.offset));
  }

  override render() {
    void this.i18n;
    if (this.loadError) return html`<div class="banner error" role="alert">${this.loadError}</div>`;
    const errors = this.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = this.diagnostics.filter((d) => d.severity === 'warning').length;
    const step = this.model?.steps.get(this.selected);
    const journey = this.model && step ? journeyOf(this.model, step.path) : undefined;
    const problems = this.diagnostics
      .filter((d) => {
        const p = step?.match ?? step?.pointer;
        return p !== undefined && (d.path === p || d.path.startsWith(`${p}/`));
      })
      .map((d) => (getLang() === 'zh-CN' ? d.zh.message : d.message));
    const actionSchemas = new Map(
      this.palette
        .filter((p) => p.inputSchema)
        .map((p) => [p.key.slice('call:'.length), p.inputSchema!] as const),
    );
    return html`
      <div class="toolbar" role="toolbar" aria-label=${t('editor.toolbar')}>
        <h1>${this.playbookId}</h1>
        <span class="counts" role="status" aria-live="polite">
          ${
            errors === 0 && warnings === 0
              ? t('editor.valid')
              : html`<span class="e">${t(errors === 1 ? 'editor.error' : 'editor.errors', { count: errors })}</span> ·
                <span class="w">${t(warnings === 1 ? 'editor.warning' : 'editor.warnings', { count: warnings })}</span>`
          }
        </span>
        <span class="status" data-save-state=${this.saveState}>${t(`save.${this.saveState}`)}</span>
        <span class="spacer"></span>
        <button type="button" aria-pressed=${this.showYaml ? 'true' : 'false'} aria-keyshortcuts="Alt+Shift+Y" @click=${() => this.toggleYaml()}>
          ${this.showYaml ? t('editor.hideYaml') : t('editor.showYaml')}
        </button>
        <button
          type="button"
          class="primary"
          aria-keyshortcuts="Control+S"
          ?disabled=${!this.api || this.saveState === 'saving' || this.saveState === 'clean' || this.saveState === 'saved'}
          @click=${() => void this.save()}
        >
          ${t('editor.save')}
        </button>
      </div>
      ${
        this.conflict
          ? html`<div class="banner" role="alert">
            <strong>${t('conflict.title')}</strong> ${t('conflict.body')}
            <button type="button" @click=${() => this.reloadTheirs()}>${t('conflict.reload')}</button>
            <button type="button" @click=${() => void this.save(true)}>${t('conflict.keepMine')}</button>
            <details>
              <summary>${t('conflict.diff')}</summary>
              <pre class="diff">${this.conflict.diff.map(
                (l) =>
                  html`<span class=${l.op === '+' ? 'add' : l.op === '-' ? 'del' : ''}>${l.op} ${l.text}\n</span>`,
              )}</pre>
            </details>
          </div>`
          : nothing
      }
      ${this.message ? html`<div class="banner" role="status" aria-live="polite">${this.message}</div>` : nothing}
      <div
        class="main ${this.showYaml ? 'with-yaml' : ''}"
        @board-move-step=${this.onMoveStep}
        @board-move-journey=${this.onMoveJourney}
        @board-drop-palette=${this.onDropPalette}
        @board-delete-step=${this.onDelete}
        @board-customize=${this.onCustomize}
        @board-locked=${this.onLocked}
        @board-select=${(e: CustomEvent<{ pointer: string }>) => {
          this.selected = e.detail.pointer;
        }}
        @palette-add=${this.onPaletteAdd}
        @step-edit=${this.onStepEdit}
        @step-duplicate=${this.onDuplicate}
        @yaml-change=${this.onYamlChange}
      >
        <div class="strip">
          <span class="status" id="palette-hint">${t('palette.hint')}</span>
          <kith-palette .items=${this.palette}></kith-palette>
        </div>
        <kith-board .model=${this.model} .marks=${this.marks} .selected=${this.selected}></kith-board>
        ${
          this.showYaml
            ? html`<div class="yaml">
              ${
                this.yamlReady
                  ? html`<kith-yaml-view
                    .text=${this.text}
                    .diagnostics=${this.diagnostics.filter((d) => d.file === this.file)}
                  ></kith-yaml-view>`
                  : html`<p class="status">${t('editor.loadingYaml')}</p>`
              }
            </div>`
            : nothing
        }
        <aside class="side right" aria-label=${t('panel.label')}>
          ${
            this.diagnostics.length > 0
              ? html`<h3>${t('editor.problems')}</h3>
                <ul class="problems">
                  ${this.diagnostics.slice(0, 50).map(
                    (d) => html`<li>
                      <button type="button" class="sev-${d.severity}" @click=${() => this.reveal(d)}>
                        ${d.line}:${d.column} ${getLang() === 'zh-CN' ? d.zh.message : d.message}
                      </button>
                    </li>`,
                  )}
                </ul>`
              : nothing
          }
          ${journey ? html`<p class="status">${t('panel.inJourney', { journey: journey.name ?? journey.id })}</p>` : nothing}
          <kith-step-panel
            .step=${step}
            .stepSchema=${this.stepSchema}
            .refs=${refNamesOf(this.sections)}
            .actionSchemas=${actionSchemas}
            .problems=${problems}
          ></kith-step-panel>
        </aside>
      </div>
    `;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The sections palette and forms need, from a plain playbook value (the resolved one). */
function sectionsFromValue(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['channels', 'payments', 'offers', 'tiers', 'groups', 'campaigns'])
    if (isRecord(p[k])) out[k] = p[k];
  if (isRecord(p.stages)) out.stages = Object.fromEntries(Object.keys(p.stages).map((k) => [k, {}]));
  return out;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return t('error.network');
    if (error.status === 401) return t('error.unauthorized');
    if (error.status === 404) return t('error.notFound');
    return error.detail || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

customElements.define('kith-playbook-editor', KithPlaybookEditor);

declare global {
  interface HTMLElementTagNameMap {
    'kith-playbook-editor': KithPlaybookEditor;
  }
}
