/** The palette: step kinds, channels and plugin actions; click to add, or drag onto the board. */
import { css, html, LitElement } from 'lit';
import { LangController, t } from '../i18n/index.js';
import type { PaletteItem } from '../model/palette.js';
import { DND_TYPE } from './board-view.js';

export class KithPalette extends LitElement {
  static override properties = { items: { attribute: false } };

  static override styles = css`
    :host {
      display: block;
      font-size: 12px;
    }
    nav {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 10px;
    }
    h3 {
      font-size: 11px;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      color: var(--kith-muted, #5b6575);
      margin: 0;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    button {
      font: inherit;
      border: 1px solid var(--kith-border, #d9dde3);
      background: var(--kith-surface, #fff);
      border-radius: 4px;
      padding: 2px 6px;
      cursor: grab;
    }
    button:hover {
      background: var(--kith-accent-weak, #e6edfb);
    }
    button:focus-visible {
      outline: 3px solid #7aa2ff;
    }
  `;

  declare items: readonly PaletteItem[];
  private readonly i18n = new LangController(this);

  constructor() {
    super();
    this.items = [];
  }

  override render() {
    void this.i18n;
    const groups: PaletteItem['group'][] = ['step', 'channel', 'action'];
    return html`<nav aria-label=${t('palette.label')}>
      ${groups.map((g) => {
        const items = this.items.filter((i) => i.group === g);
        if (items.length === 0) return null;
        return html`<h3>${t(`palette.group.${g}`)}</h3>
          <ul>
            ${items.map(
              (i) => html`<li>
                <button
                  type="button"
                  draggable="true"
                  data-palette=${i.key}
                  title=${i.description}
                  aria-label=${t('palette.add', { label: i.group === 'step' ? t(`kind.${i.kind}`) : i.label })}
                  @click=${() => this.dispatchEvent(new CustomEvent('palette-add', { detail: { key: i.key }, bubbles: true, composed: true }))}
                  @dragstart=${(e: DragEvent) => {
                    e.dataTransfer?.setData(DND_TYPE, JSON.stringify({ type: 'palette', key: i.key }));
                    e.dataTransfer?.setData('text/plain', i.key);
                  }}
                >
                  ${i.group === 'step' ? t(`kind.${i.kind}`) : i.label}
                </button>
              </li>`,
            )}
          </ul>`;
      })}
    </nav>`;
  }
}

customElements.define('kith-palette', KithPalette);

declare global {
  interface HTMLElementTagNameMap {
    'kith-palette': KithPalette;
  }
}
