/**
 * The board: stages as columns, journeys as cards, steps as a flow with their branches. Every
 * move can be done by dragging or from the keyboard (Alt+arrows); the board only reports what the
 * operator asked for (events), the playbook editor applies it to the YAML.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { getLang, LangController, t } from '../i18n/index.js';
import type { BoardModel, BranchNode, JourneyNode, StageNode, StepNode } from '../model/board.js';
import type { Path } from '../model/yaml-text.js';

export type Mark = 'error' | 'warning';

export interface MoveStepDetail {
  from: Path;
  toList: Path;
  index: number;
}
export interface MoveJourneyDetail {
  from: Path;
  toStage: string;
  index: number;
}
export interface DropPaletteDetail {
  key: string;
  toList: Path;
  index: number;
}

export const DND_TYPE = 'application/x-kith-board';

type Dragged =
  | { type: 'step'; path: Path }
  | { type: 'journey'; path: Path }
  | { type: 'palette'; key: string };

const KIND_ICONS: Record<string, string> = {
  send: '✉',
  wait: '◷',
  if: '◇',
  split: '⋔',
  set: '✎',
  tag: '#',
  score: '★',
  tier: '▲',
  offer: '¥',
  charge: '¤',
  group: '◎',
  introduce: '⇄',
  call: '⚙',
  emit: '↯',
  goal: '⚑',
  exit: '■',
};

export class KithBoard extends LitElement {
  static override properties = {
    model: { attribute: false },
    marks: { attribute: false },
    selected: { type: String },
    dropHint: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      height: 100%;
      overflow: auto;
      background: var(--kith-bg, #f6f7f9);
    }
    .columns {
      display: flex;
      gap: 12px;
      padding: 12px;
      align-items: flex-start;
      min-width: min-content;
    }
    .stage {
      flex: 0 0 240px;
      background: #eceff3;
      border-radius: var(--kith-radius, 6px);
      padding: 8px;
    }
    .stage.custom {
      background: #f0ecf6;
    }
    .stage > h2 {
      font-size: 13px;
      margin: 2px 4px 8px;
      display: flex;
      justify-content: space-between;
      gap: 6px;
    }
    .stage > h2 .id {
      color: var(--kith-muted, #5b6575);
      font-weight: normal;
      font-family: ui-monospace, monospace;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .journeys {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-height: 32px;
    }
    .journey {
      /* Off-screen journeys are not laid out or painted until scrolled to: big boards stay fast. */
      content-visibility: auto;
      contain-intrinsic-size: auto 240px;
      background: var(--kith-surface, #fff);
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: var(--kith-radius, 6px);
      padding: 6px;
    }
    .journey.disabled {
      opacity: 0.6;
    }
    .journey > header {
      display: flex;
      gap: 6px;
      align-items: baseline;
      cursor: grab;
      padding: 2px 2px 6px;
    }
    .journey > header strong {
      flex: 1;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .trigger {
      font-size: 11px;
      color: var(--kith-muted, #5b6575);
      font-family: ui-monospace, monospace;
    }
    .steps {
      display: flex;
      flex-direction: column;
      gap: 3px;
      min-height: 18px;
      border-left: 2px solid #c9d2df;
      padding-left: 6px;
    }
    .step {
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: 4px;
      background: #fbfcfd;
      padding: 3px 6px;
      cursor: grab;
      font-size: 12px;
      line-height: 1.35;
    }
    .step > .row {
      display: flex;
      gap: 6px;
      align-items: baseline;
    }
    .kind {
      font-size: 11px;
      color: var(--kith-accent, #2456c7);
      min-width: 4.5em;
      white-space: nowrap;
    }
    .sid {
      font-family: ui-monospace, monospace;
      font-size: 11px;
    }
    .summary {
      color: var(--kith-muted, #5b6575);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      display: block;
      max-width: 190px;
    }
    .branch {
      margin: 4px 0 2px 4px;
    }
    .branch > .label {
      font-size: 11px;
      color: var(--kith-muted, #5b6575);
      font-weight: 600;
    }
    [aria-current='true'] {
      outline: 2px solid var(--kith-accent, #2456c7);
      background: var(--kith-accent-weak, #e6edfb);
    }
    .mark-error {
      border-color: var(--kith-error, #b3261e);
      box-shadow: inset 3px 0 0 var(--kith-error, #b3261e);
    }
    .mark-warning {
      border-color: var(--kith-warning, #8a5a00);
      box-shadow: inset 3px 0 0 var(--kith-warning, #8a5a00);
    }
    .badge {
      font-size: 10px;
      border-radius: 8px;
      padding: 0 5px;
      color: #fff;
      background: var(--kith-error, #b3261e);
    }
    .badge.warning {
      background: var(--kith-warning, #8a5a00);
    }
    :focus-visible {
      outline: 3px solid #7aa2ff;
      outline-offset: 1px;
    }
    .drop-hint {
      height: 4px;
      background: var(--kith-accent, #2456c7);
      border-radius: 2px;
    }
    .inherited {
      display: flex;
      gap: 6px;
      align-items: center;
      font-size: 11px;
      color: var(--kith-muted, #5b6575);
      margin: 0 0 4px;
    }
    .inherited button {
      font: inherit;
      padding: 1px 6px;
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: 4px;
      background: #fff;
      cursor: pointer;
    }
    .locked .step {
      cursor: default;
      background: #f7f8fa;
    }
    .empty {
      color: var(--kith-muted, #5b6575);
      font-size: 12px;
      padding: 6px;
    }
  `;

  declare model: BoardModel | undefined;
  declare marks: ReadonlyMap<string, Mark>;
  declare selected: string;
  declare dropHint: string;
  private readonly i18n = new LangController(this);
  private dragged: Dragged | undefined;

  constructor() {
    super();
    this.model = undefined;
    this.marks = new Map();
    this.selected = '';
    this.dropHint = '';
  }

  override render() {
    void this.i18n;
    const model = this.model;
    if (!model) return nothing;
    if (model.stages.length === 0)
      return html`<p class="empty" role="status">
        ${model.extends ? t('board.extendsOnly', { template: model.extends }) : t('board.noStages')}
      </p>`;
    return html`<div class="columns" role="list" aria-label=${t('board.label')}>
      ${repeat(
        model.stages,
        (s) => s.pointer,
        (s) => this.renderStage(s),
      )}
    </div>`;
  }

  private renderStage(stage: StageNode): TemplateResult {
    const title = stage.name ?? (stage.core ? t(`stage.${stage.id}`) : stage.id);
    return html`<section
      class="stage ${stage.core ? '' : 'custom'}"
      role="listitem"
      aria-label=${t('board.stage', { name: title })}
      data-stage=${stage.id}
    >
      <h2><span>${title}</span><span class="id">${stage.id}</span></h2>
      <ol
        class="journeys"
        @dragover=${(e: DragEvent) => this.onDragOver(e, 'journey', stage.journeysPath)}
        @drop=${(e: DragEvent) => this.onDropJourney(e, stage)}
        @dragleave=${this.onDragLeave}
      >
        ${stage.journeys.length === 0 ? html`<li class="empty">${t('board.noJourneys')}</li>` : nothing}
        ${repeat(
          stage.journeys,
          (j) => j.pointer,
          (j, i) =>
            html`${
              this.dropHint === `${stage.journeysPath.join('.')}:${i}`
                ? html`<li class="drop-hint" aria-hidden="true"></li>`
                : nothing
            }${guard(this.journeyInputs(j), () => this.renderJourney(j))}`,
        )}
        ${
          this.dropHint === `${stage.journeysPath.join('.')}:${stage.journeys.length}`
            ? html`<li class="drop-hint" aria-hidden="true"></li>`
            : nothing
        }
      </ol>
    </section>`;
  }

  /**
   * What a journey's card shows besides the journey itself: its marks, the selection inside it,
   * a drag in progress, the language. Unchanged, the card is not rendered again — a keystroke's
   * diagnostics re-render the cards they mark, not the 500 steps around them.
   */
  private journeyInputs(j: JourneyNode): unknown[] {
    const prefix = `${j.pointer}/`;
    let marks = this.marks.get(j.pointer) ?? '';
    for (const [p, m] of this.marks) if (p.startsWith(prefix)) marks += `|${p}=${m}`;
    const selected = this.selected === j.pointer || this.selected.startsWith(prefix) ? this.selected : '';
    return [j, marks, selected, this.dropHint, getLang()];
  }

  private renderJourney(j: JourneyNode): TemplateResult {
    const mark = this.marks.get(j.pointer);
    const count = this.countMarks(j.pointer);
    return html`<li
      class="journey ${j.enabled ? '' : 'disabled'} ${mark ? `mark-${mark}` : ''}"
      data-pointer=${j.pointer}
      data-journey=${j.id}
      aria-label=${t('board.journey', { name: j.name ?? j.id, count: j.stepCount })}
    >
      <header
        tabindex="0"
        draggable=${j.inherited ? 'false' : 'true'}
        role="button"
        aria-current=${this.selected === j.pointer ? 'true' : 'false'}
        aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown Alt+ArrowLeft Alt+ArrowRight"
        @click=${() => this.select(j.pointer, 'journey')}
        @keydown=${(e: KeyboardEvent) => this.onJourneyKey(e, j)}
        @dragstart=${(e: DragEvent) => (j.inherited ? e.preventDefault() : this.onDragStart(e, { type: 'journey', path: j.path }))}
      >
        <strong title=${j.name ?? j.id}>${j.name ?? j.id}</strong>
        ${count.errors > 0 ? html`<span class="badge" title=${t('board.errors', { count: count.errors })}>${count.errors}</span>` : nothing}
        ${count.warnings > 0 ? html`<span class="badge warning" title=${t('board.warnings', { count: count.warnings })}>${count.warnings}</span>` : nothing}
        <span class="trigger" title=${t('board.trigger')}>${j.trigger}</span>
      </header>
      ${
        j.inherited
          ? html`<div class="inherited">
            <span>${t('board.fromTemplate')}</span>
            <button
              type="button"
              data-customize=${j.id}
              @click=${() =>
                this.dispatchEvent(
                  new CustomEvent('board-customize', {
                    detail: { stage: j.inherited?.stage ?? '', journey: j.id },
                    bubbles: true,
                    composed: true,
                  }),
                )}
            >
              ${t('board.customize')}
            </button>
          </div>`
          : nothing
      }
      ${this.renderSteps(j.steps, j.stepsPath, Boolean(j.inherited))}
    </li>`;
  }

  private countMarks(prefix: string): { errors: number; warnings: number } {
    let errors = 0;
    let warnings = 0;
    for (const [p, m] of this.marks)
      if (p.startsWith(`${prefix}/`)) {
        if (m === 'error') errors++;
        else warnings++;
      }
    return { errors, warnings };
  }

  private renderSteps(steps: StepNode[], listPath: Path, locked = false): TemplateResult {
    const key = listPath.join('.');
    if (locked)
      return html`<ol class="steps locked" data-list=${key}>
        ${steps.map((s) => this.renderStep(s, true))}
      </ol>`;
    return html`<ol
      class="steps"
      data-list=${key}
      @dragover=${(e: DragEvent) => this.onDragOver(e, 'step', listPath)}
      @drop=${(e: DragEvent) => this.onDropStep(e, listPath)}
      @dragleave=${this.onDragLeave}
    >
      ${steps.map(
        (s, i) =>
          html`${this.dropHint === `${key}:${i}` ? html`<li class="drop-hint" aria-hidden="true"></li>` : nothing}${this.renderStep(s)}`,
      )}
      ${this.dropHint === `${key}:${steps.length}` ? html`<li class="drop-hint" aria-hidden="true"></li>` : nothing}
    </ol>`;
  }

  private renderStep(s: StepNode, locked = false): TemplateResult {
    const mark = this.marks.get(s.pointer);
    const kind = s.kind ?? '?';
    return html`<li
      class="step ${mark ? `mark-${mark}` : ''}"
      tabindex="0"
      draggable=${locked ? 'false' : 'true'}
      data-pointer=${s.pointer}
      data-step=${s.id}
      aria-current=${this.selected === s.pointer ? 'true' : 'false'}
      aria-label=${t('board.step', { id: s.id, kind: t(`kind.${kind}`) })}
      aria-invalid=${mark === 'error' ? 'true' : 'false'}
      aria-keyshortcuts="Enter Alt+ArrowUp Alt+ArrowDown Delete"
      @click=${(e: Event) => {
        e.stopPropagation();
        this.select(s.pointer, 'step');
      }}
      @keydown=${(e: KeyboardEvent) => this.onStepKey(e, s, locked)}
      @focus=${(e: FocusEvent) => {
        // Keyboard users select by moving focus: the form and the palette follow.
        if (e.target === e.currentTarget && this.selected !== s.pointer) this.select(s.pointer, 'step');
      }}
      @dragstart=${(e: DragEvent) => (locked ? e.preventDefault() : this.onDragStart(e, { type: 'step', path: s.path }))}
    >
      <div class="row">
        <span class="kind" aria-hidden="true">${KIND_ICONS[kind] ?? '•'} ${kind}</span>
        <span class="sid">${s.name ?? s.id}</span>
      </div>
      ${s.summary ? html`<span class="summary" title=${s.summary}>${s.summary}</span>` : nothing}
      ${s.branches.map((b) => this.renderBranch(b, locked))}
    </li>`;
  }

  private renderBranch(b: BranchNode, locked: boolean): TemplateResult {
    const label =
      b.kind === 'split'
        ? t('board.variant', { name: b.variant ?? '', weight: b.weight ?? 0 })
        : t(`board.branch.${b.kind}`);
    return html`<div class="branch" role="group" aria-label=${label}>
      <span class="label">${label}</span>
      ${this.renderSteps(b.steps, b.path, locked)}
    </div>`;
  }

  private select(pointer: string, kind: 'step' | 'journey'): void {
    this.selected = pointer;
    this.dispatchEvent(
      new CustomEvent('board-select', { detail: { pointer, kind }, bubbles: true, composed: true }),
    );
  }

  private emit(
    name: string,
    detail: MoveStepDetail | MoveJourneyDetail | DropPaletteDetail | { path: Path },
  ): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private onStepKey(e: KeyboardEvent, s: StepNode, locked: boolean): void {
    if (e.target !== e.currentTarget) return;
    if (locked && (e.altKey || e.key === 'Delete') && e.key !== 'Enter') {
      e.preventDefault();
      this.dispatchEvent(
        new CustomEvent('board-locked', { detail: { pointer: s.pointer }, bubbles: true, composed: true }),
      );
      return;
    }
    const list = s.path.slice(0, -1);
    const index = s.path[s.path.length - 1] as number;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.select(s.pointer, 'step');
    } else if (e.altKey && e.key === 'ArrowUp' && index > 0) {
      e.preventDefault();
      this.emit('board-move-step', { from: s.path, toList: list, index: index - 1 });
      this.refocus([...list, index - 1]);
    } else if (e.altKey && e.key === 'ArrowDown') {
      e.preventDefault();
      this.emit('board-move-step', { from: s.path, toList: list, index: index + 2 });
      this.refocus([...list, index + 1]);
    } else if (e.key === 'Delete' || (e.key === 'Backspace' && e.metaKey)) {
      e.preventDefault();
      this.emit('board-delete-step', { path: s.path });
    } else if (!e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      this.moveFocus(e.currentTarget as HTMLElement, e.key === 'ArrowDown' ? 1 : -1);
    }
  }

  private onJourneyKey(e: KeyboardEvent, j: JourneyNode): void {
    const model = this.model;
    if (!model) return;
    const stageIndex = model.stages.findIndex((s) => j.pointer.startsWith(`${s.pointer}/`));
    const stage = model.stages[stageIndex];
    const index = j.path[j.path.length - 1] as number;
    if (!stage) return;
    if (j.inherited && e.altKey) {
      e.preventDefault();
      this.dispatchEvent(
        new CustomEvent('board-locked', { detail: { pointer: j.pointer }, bubbles: true, composed: true }),
      );
      return;
    }
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.select(j.pointer, 'journey');
    } else if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      const target = model.stages[stageIndex + (e.key === 'ArrowLeft' ? -1 : 1)];
      if (!target) return;
      e.preventDefault();
      this.emit('board-move-journey', { from: j.path, toStage: target.id, index: target.journeys.length });
      this.refocus([...target.journeysPath, target.journeys.length], true);
    } else if (e.altKey && e.key === 'ArrowUp' && index > 0) {
      e.preventDefault();
      this.emit('board-move-journey', { from: j.path, toStage: stage.id, index: index - 1 });
      this.refocus([...stage.journeysPath, index - 1], true);
    } else if (e.altKey && e.key === 'ArrowDown' && index < stage.journeys.length - 1) {
      e.preventDefault();
      this.emit('board-move-journey', { from: j.path, toStage: stage.id, index: index + 2 });
      this.refocus([...stage.journeysPath, index + 1], true);
    }
  }

  private moveFocus(from: HTMLElement, delta: number): void {
    const all = [...this.renderRoot.querySelectorAll<HTMLElement>('.step')];
    all[all.indexOf(from) + delta]?.focus();
  }

  /** After a keyboard move the card is re-rendered elsewhere: keep the focus on it. */
  private refocus(path: Path, journey = false): void {
    const pointer = path.map((p) => `/${String(p)}`).join('');
    void this.updateComplete.then(() =>
      requestAnimationFrame(() => {
        const el = this.renderRoot.querySelector<HTMLElement>(
          journey ? `.journey[data-pointer="${pointer}"] > header` : `.step[data-pointer="${pointer}"]`,
        );
        el?.focus();
      }),
    );
  }

  private onDragStart(e: DragEvent, what: Dragged): void {
    e.stopPropagation();
    this.dragged = what;
    e.dataTransfer?.setData(DND_TYPE, JSON.stringify(what));
    e.dataTransfer?.setData('text/plain', what.type === 'palette' ? what.key : what.path.join('.'));
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  }

  private readDragged(e: DragEvent): Dragged | undefined {
    const raw = e.dataTransfer?.getData(DND_TYPE);
    if (raw) return JSON.parse(raw) as Dragged;
    return this.dragged;
  }

  private indexAt(e: DragEvent, selector: string): number {
    const list = e.currentTarget as HTMLElement;
    const items = [...list.children].filter((c) => c.matches(selector));
    const y = e.clientY;
    const i = items.findIndex((c) => {
      const r = c.getBoundingClientRect();
      return y < r.top + r.height / 2;
    });
    return i === -1 ? items.length : i;
  }

  private onDragOver(e: DragEvent, accept: 'step' | 'journey', listPath: Path): void {
    const types = e.dataTransfer?.types ?? [];
    if (!types.includes(DND_TYPE) && !this.dragged) return;
    const d = this.dragged;
    // Steps and palette items go into step lists; journeys into stages.
    if (d && (accept === 'journey') !== (d.type === 'journey')) return;
    e.preventDefault();
    e.stopPropagation();
    const hint = `${listPath.join('.')}:${this.indexAt(e, accept === 'step' ? '.step' : '.journey')}`;
    if (hint !== this.dropHint) this.dropHint = hint;
  }

  private onDragLeave = (e: DragEvent): void => {
    if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node | null)) this.dropHint = '';
  };

  private onDropStep(e: DragEvent, listPath: Path): void {
    const d = this.readDragged(e);
    if (!d || d.type === 'journey') return;
    e.preventDefault();
    e.stopPropagation();
    const index = this.indexAt(e, '.step');
    this.dropHint = '';
    this.dragged = undefined;
    if (d.type === 'palette') this.emit('board-drop-palette', { key: d.key, toList: listPath, index });
    else this.emit('board-move-step', { from: d.path, toList: listPath, index });
  }

  private onDropJourney(e: DragEvent, stage: StageNode): void {
    const d = this.readDragged(e);
    if (d?.type !== 'journey') return;
    e.preventDefault();
    e.stopPropagation();
    const index = this.indexAt(e, '.journey');
    this.dropHint = '';
    this.dragged = undefined;
    this.emit('board-move-journey', { from: d.path, toStage: stage.id, index });
  }
}

customElements.define('kith-board', KithBoard);

declare global {
  interface HTMLElementTagNameMap {
    'kith-board': KithBoard;
  }
}
