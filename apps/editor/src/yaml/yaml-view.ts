/**
 * The YAML side: CodeMirror 6 with YAML highlighting and lint markers. Loaded on demand (this
 * module and CodeMirror are a separate chunk). Text set from outside is applied as the smallest
 * change, so the cursor, selection and undo history survive board edits.
 */
import { yaml } from '@codemirror/lang-yaml';
import { type Diagnostic as CmDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Annotation, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import type { Diagnostic } from '@kith/playbook/browser';
import { basicSetup } from 'codemirror';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { getLang, LangController, t } from '../i18n/index.js';

/** Marks changes made from outside (board edits), which must not echo back as YAML edits. */
const external = Annotation.define<boolean>();

export class KithYamlView extends LitElement {
  static override properties = {
    text: { attribute: false },
    diagnostics: { attribute: false },
  };

  static override styles = css`
    :host {
      display: block;
      height: 100%;
      min-height: 0;
      background: var(--kith-surface, #fff);
    }
    .cm-editor {
      height: 100%;
      font-size: 13px;
    }
    .cm-editor.cm-focused {
      outline: 3px solid #7aa2ff;
      outline-offset: -3px;
    }
    .cm-scroller {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'Noto Sans Mono CJK SC', monospace;
    }
  `;

  declare text: string;
  declare diagnostics: readonly Diagnostic[];
  private view: EditorView | undefined;
  private readonly i18n = new LangController(this);

  constructor() {
    super();
    this.text = '';
    this.diagnostics = [];
  }

  override render() {
    void this.i18n;
    return html`<div class="host" style="height:100%" role="region" aria-label=${t('yaml.region')}></div>`;
  }

  protected override firstUpdated(): void {
    const parent = this.renderRoot.querySelector('.host') as HTMLElement;
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: this.text,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': t('yaml.editor') }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged || u.transactions.every((tr) => tr.annotation(external) === true)) return;
            const text = u.state.doc.toString();
            this.text = text;
            this.dispatchEvent(
              new CustomEvent('yaml-change', { detail: { text }, bubbles: true, composed: true }),
            );
          }),
        ],
      }),
    });
    this.pushDiagnostics();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const view = this.view;
    if (!view) return;
    if (changed.has('text')) {
      const current = view.state.doc.toString();
      if (current !== this.text) {
        const change = minimalChange(current, this.text);
        view.dispatch({ changes: change, annotations: external.of(true) });
      }
    }
    if (changed.has('diagnostics') || changed.has('text')) this.pushDiagnostics();
  }

  private pushDiagnostics(): void {
    const view = this.view;
    if (!view) return;
    const len = view.state.doc.length;
    const lang = getLang();
    const list: CmDiagnostic[] = this.diagnostics
      .filter((d) => d.file === undefined || !d.file.startsWith('@kith/templates/'))
      .map((d) => {
        const from = Math.min(d.offset, len);
        const to = Math.min(Math.max(d.endOffset, from), len);
        const words = lang === 'zh-CN' ? d.zh : { message: d.message, hint: d.hint };
        return {
          from,
          to,
          severity: d.severity,
          source: d.code,
          message: words.hint ? `${words.message}\n${words.hint}` : words.message,
        };
      });
    view.dispatch(setDiagnostics(view.state, list));
  }

  /** Puts the cursor at an offset, scrolls it into view and focuses the editor. */
  reveal(offset: number): void {
    const view = this.view;
    if (!view) return;
    const at = Math.min(offset, view.state.doc.length);
    view.dispatch({ selection: { anchor: at }, effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    view.focus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.view?.destroy();
    this.view = undefined;
  }
}

/** The one replaced range between two texts (common prefix and suffix kept). */
export function minimalChange(a: string, b: string): { from: number; to: number; insert: string } {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { from: start, to: endA, insert: b.slice(start, endB) };
}

customElements.define('kith-yaml-view', KithYamlView);

declare global {
  interface HTMLElementTagNameMap {
    'kith-yaml-view': KithYamlView;
  }
}
