/**
 * The shell: sign-in with an API token, tenant picker, navigation, language switch and the
 * keyboard shortcuts. Panels are loaded when first opened, so the first screen stays small.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { ApiError, KithApi } from '../api/client.js';
import type { Me, PlaybookSummary, Tenant } from '../api/types.js';
import { getLang, type Lang, LangController, setLang, t } from '../i18n/index.js';
import { loadPanel, PANEL_TAGS, type PanelName } from './panels.js';

export type Section = 'playbooks' | 'templates' | 'simulation' | 'live' | 'members';
const SECTIONS: Section[] = ['playbooks', 'templates', 'simulation', 'live', 'members'];
const TOKEN_KEY = 'kith.token';
const TENANT_KEY = 'kith.tenant';

interface Route {
  section: Section;
  playbook: string;
  tab: 'board' | 'versions';
}

function readRoute(): Route {
  const [section, playbook, tab] = location.hash.replace(/^#\/?/, '').split('/');
  return {
    section: SECTIONS.includes(section as Section) ? (section as Section) : 'playbooks',
    playbook: decodeURIComponent(playbook ?? ''),
    tab: tab === 'versions' ? 'versions' : 'board',
  };
}

export class KithApp extends LitElement {
  static override properties = {
    token: { state: true },
    me: { state: true },
    tenants: { state: true },
    tenant: { state: true },
    route: { state: true },
    playbooks: { state: true },
    error: { state: true },
    busy: { state: true },
    loaded: { state: true },
    showHelp: { state: true },
  };

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      color: var(--kith-text, #1c2330);
    }
    header.top {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 0 12px;
      height: 44px;
      background: #1c2330;
      color: #fff;
    }
    header.top .brand {
      font-weight: 700;
      letter-spacing: 0.02em;
    }
    header nav ul {
      display: flex;
      gap: 2px;
      list-style: none;
      margin: 0;
      padding: 0;
    }
    header nav a {
      color: #d7deea;
      text-decoration: none;
      padding: 6px 10px;
      border-radius: 4px;
      display: inline-block;
    }
    header nav a[aria-current='page'] {
      background: #34405a;
      color: #fff;
    }
    .spacer {
      flex: 1;
    }
    select,
    input,
    button {
      font: inherit;
    }
    header select,
    header button {
      background: #2b3447;
      color: #fff;
      border: 1px solid #47526b;
      border-radius: 4px;
      padding: 3px 6px;
    }
    :focus-visible {
      outline: 3px solid #7aa2ff;
      outline-offset: 1px;
    }
    main {
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
    }
    .signin {
      max-width: 420px;
      margin: 80px auto;
      background: var(--kith-surface, #fff);
      padding: 24px;
      border-radius: 8px;
      border: 1px solid var(--kith-border, #d9dde3);
    }
    .signin label {
      display: block;
      font-weight: 600;
      margin-bottom: 4px;
    }
    .signin input {
      width: 100%;
      box-sizing: border-box;
      padding: 6px 8px;
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: 4px;
    }
    .help {
      color: var(--kith-muted, #5b6575);
      font-size: 12px;
    }
    .error {
      color: var(--kith-error, #b3261e);
    }
    button.primary {
      margin-top: 12px;
      background: var(--kith-accent, #2456c7);
      color: #fff;
      border: 0;
      border-radius: 4px;
      padding: 6px 14px;
      cursor: pointer;
    }
    .playbooks {
      display: flex;
      flex: 1;
      min-height: 0;
    }
    .list {
      width: 150px;
      flex: 0 0 150px;
      border-right: 1px solid var(--kith-border, #d9dde3);
      background: var(--kith-surface, #fff);
      overflow: auto;
      padding: 8px;
    }
    .list ul {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .list a {
      display: block;
      padding: 6px 8px;
      border-radius: 4px;
      color: inherit;
      text-decoration: none;
    }
    .list a[aria-current='page'] {
      background: var(--kith-accent-weak, #e6edfb);
    }
    .list .meta {
      font-size: 11px;
      color: var(--kith-muted, #5b6575);
    }
    .work {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
    }
    .tabs {
      display: flex;
      gap: 4px;
      padding: 4px 12px 0;
      background: var(--kith-surface, #fff);
    }
    .tabs a {
      padding: 4px 10px;
      color: inherit;
      text-decoration: none;
      border-bottom: 2px solid transparent;
    }
    .tabs a[aria-selected='true'] {
      border-color: var(--kith-accent, #2456c7);
    }
    .panel {
      flex: 1;
      min-height: 0;
      overflow: auto;
      padding: 0 16px 16px;
    }
    .picker {
      display: flex;
      gap: 8px;
      align-items: center;
      padding: 8px 16px 0;
    }
    .empty {
      padding: 24px;
      color: var(--kith-muted, #5b6575);
    }
    dialog {
      border: 1px solid var(--kith-border, #d9dde3);
      border-radius: 8px;
      max-width: 520px;
    }
    dialog table {
      border-collapse: collapse;
      width: 100%;
    }
    dialog td {
      padding: 4px 8px;
      border-bottom: 1px solid #eee;
    }
    kbd {
      font-family: ui-monospace, monospace;
      background: #f0f2f5;
      border: 1px solid #ccd;
      border-radius: 3px;
      padding: 0 4px;
    }
  `;

  declare token: string;
  declare me: Me | undefined;
  declare tenants: Tenant[];
  declare tenant: string;
  declare route: Route;
  declare playbooks: PlaybookSummary[];
  declare error: string;
  declare busy: boolean;
  declare loaded: Set<PanelName>;
  declare showHelp: boolean;

  readonly api: KithApi;
  private readonly i18n = new LangController(this);

  constructor() {
    super();
    this.token = localStorage.getItem(TOKEN_KEY) ?? '';
    this.me = undefined;
    this.tenants = [];
    this.tenant = localStorage.getItem(TENANT_KEY) ?? '';
    this.route = readRoute();
    this.playbooks = [];
    this.error = '';
    this.busy = false;
    this.loaded = new Set();
    this.showHelp = false;
    this.api = new KithApi({ token: () => this.token || null });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    window.addEventListener('keydown', this.onKey);
    if (this.token) void this.signIn(this.token);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    window.removeEventListener('keydown', this.onKey);
  }

  private lastHash = location.hash;

  private onHash = (): void => {
    const next = readRoute();
    const editor = this.renderRoot.querySelector('kith-playbook-editor');
    const leaving =
      next.section !== 'playbooks' || next.playbook !== this.route.playbook || next.tab !== this.route.tab;
    if (
      editor?.dirty &&
      leaving &&
      !window.confirm(t('shell.leaveUnsaved', { playbook: this.route.playbook }))
    ) {
      history.replaceState(null, '', this.lastHash);
      return;
    }
    this.lastHash = location.hash;
    this.route = next;
    this.ensurePanels();
  };

  private onKey = (e: KeyboardEvent): void => {
    if (e.altKey && !e.shiftKey && /^[1-5]$/.test(e.key) && this.me) {
      e.preventDefault();
      this.go({ section: SECTIONS[Number(e.key) - 1]! });
    } else if (e.key === '?' && !isTyping(e)) {
      e.preventDefault();
      this.showHelp = !this.showHelp;
    } else if (e.key === 'Escape' && this.showHelp) this.showHelp = false;
  };

  private go(to: Partial<Route>): void {
    const r = { ...this.route, ...to };
    const tab = r.section === 'playbooks' && r.tab === 'versions' ? '/versions' : '';
    location.hash = `#/${r.section}${r.playbook ? `/${encodeURIComponent(r.playbook)}${tab}` : ''}`;
  }

  private async signIn(token: string): Promise<void> {
    this.busy = true;
    this.error = '';
    this.token = token.trim();
    try {
      this.me = await this.api.me();
      localStorage.setItem(TOKEN_KEY, this.token);
      const fixed = this.me.token.tenant;
      this.tenants = fixed ? [await this.api.getTenant(fixed)] : (await this.api.listTenants()).items;
      if (!this.tenants.some((x) => x.id === this.tenant)) this.tenant = this.tenants[0]?.id ?? '';
      await this.refreshPlaybooks();
      this.ensurePanels();
    } catch (error) {
      this.me = undefined;
      this.error =
        error instanceof ApiError && error.status === 401
          ? t('signin.rejected')
          : error instanceof ApiError && error.kind === 'network'
            ? t('error.network')
            : error instanceof Error
              ? error.message
              : String(error);
    } finally {
      this.busy = false;
    }
  }

  private signOut(): void {
    localStorage.removeItem(TOKEN_KEY);
    this.token = '';
    this.me = undefined;
  }

  private async refreshPlaybooks(): Promise<void> {
    if (!this.tenant) return;
    localStorage.setItem(TENANT_KEY, this.tenant);
    this.playbooks = (await this.api.listPlaybooks(this.tenant)).items;
  }

  private ensurePanels(): void {
    const wanted: PanelName | undefined =
      this.route.section === 'playbooks'
        ? this.route.tab === 'versions'
          ? 'versions'
          : undefined
        : this.route.section;
    if (!wanted || this.loaded.has(wanted)) return;
    loadPanel(wanted)
      .then(() => {
        this.loaded = new Set([...this.loaded, wanted]);
      })
      .catch((error: unknown) => {
        this.error = t('error.panel', { panel: t(`nav.${wanted}`), reason: String(error) });
      });
  }

  override render() {
    void this.i18n;
    return html`
      <header class="top">
        <span class="brand">Kith</span>
        ${this.me ? this.renderNav() : nothing}
        <span class="spacer"></span>
        ${
          this.me && this.tenants.length > 0
            ? html`<label class="visually-hidden" for="tenant" style="position:absolute;left:-9999px">${t('shell.tenant')}</label>
              <select
                id="tenant"
                aria-label=${t('shell.tenant')}
                ?disabled=${this.tenants.length < 2}
                @change=${(e: Event) => {
                  this.tenant = (e.target as HTMLSelectElement).value;
                  void this.refreshPlaybooks();
                  this.go({ playbook: '' });
                }}
              >
                ${this.tenants.map((x) => html`<option value=${x.id} ?selected=${x.id === this.tenant}>${x.name} (${x.id})</option>`)}
              </select>`
            : nothing
        }
        <select
          aria-label=${t('shell.language')}
          @change=${(e: Event) => setLang((e.target as HTMLSelectElement).value as Lang)}
        >
          <option value="en" ?selected=${getLang() === 'en'}>English</option>
          <option value="zh-CN" ?selected=${getLang() === 'zh-CN'}>简体中文</option>
        </select>
        <button type="button" aria-label=${t('shell.shortcuts')} aria-keyshortcuts="?" @click=${() => (this.showHelp = true)}>?</button>
        ${
          this.me
            ? html`<button type="button" title=${this.me.token.name} @click=${() => this.signOut()}>${t('shell.signOut')}</button>`
            : nothing
        }
      </header>
      <main id="main">${this.me ? this.renderSection() : this.renderSignIn()}</main>
      ${this.showHelp ? this.renderHelp() : nothing}
    `;
  }

  private renderNav(): TemplateResult {
    return html`<nav aria-label=${t('nav.label')}>
      <ul>
        ${SECTIONS.map(
          (s, i) => html`<li>
            <a
              href="#/${s}${s === 'simulation' && this.route.playbook ? `/${encodeURIComponent(this.route.playbook)}` : ''}"
              aria-current=${this.route.section === s ? 'page' : 'false'}
              aria-keyshortcuts="Alt+${i + 1}"
              >${t(`nav.${s}`)}</a
            >
          </li>`,
        )}
      </ul>
    </nav>`;
  }

  private renderSignIn(): TemplateResult {
    return html`<form
      class="signin"
      aria-labelledby="signin-title"
      @submit=${(e: Event) => {
        e.preventDefault();
        const input = (e.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
        void this.signIn(input.value);
      }}
    >
      <h1 id="signin-title">${t('signin.title')}</h1>
      <label for="token">${t('signin.token')}</label>
      <input id="token" name="token" type="password" autocomplete="off" required .value=${this.token} aria-describedby="token-help" />
      <p class="help" id="token-help">${t('signin.help')}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? t('signin.checking') : t('signin.submit')}</button>
    </form>`;
  }

  private renderSection(): TemplateResult {
    if (this.error) return html`<p class="error empty" role="alert">${this.error}</p>`;
    if (!this.tenant) return html`<p class="empty">${t('shell.noTenant')}</p>`;
    const section = this.route.section;
    if (section === 'playbooks') return this.renderPlaybooks();
    if (!this.loaded.has(section)) return html`<p class="empty" role="status">${t('shell.loading')}</p>`;
    const current = this.route.playbook || (this.playbooks[0]?.id ?? '');
    return html`${
      section === 'simulation'
        ? html`<div class="picker">
            <label for="sim-playbook">${t('shell.simulatePlaybook')}</label>
            <select
              id="sim-playbook"
              @change=${(e: Event) => this.go({ section, playbook: (e.target as HTMLSelectElement).value, tab: 'board' })}
            >
              ${this.playbooks.map((p) => html`<option value=${p.id} ?selected=${p.id === current}>${p.name || p.id} (${p.id})</option>`)}
            </select>
          </div>`
        : nothing
    }
      <div class="panel" @kith-navigate=${this.onNavigate}>${this.panel(section)}</div>`;
  }

  private panel(name: PanelName): TemplateResult {
    const tag = PANEL_TAGS[name];
    const el = document.createElement(tag) as HTMLElement & {
      api: KithApi;
      tenant: string;
      playbook?: string;
    };
    el.api = this.api;
    el.tenant = this.tenant;
    if (name === 'versions' || name === 'simulation')
      el.playbook = this.route.playbook || (this.playbooks[0]?.id ?? '');
    return html`${cached(this, `${name}:${this.tenant}:${el.playbook ?? ''}`, el)}`;
  }

  private onNavigate = (e: Event): void => {
    const d = (e as CustomEvent<{ view: string; playbook?: string }>).detail;
    if (d.playbook || d.view === 'board' || d.view === 'yaml') void this.refreshPlaybooks();
    const section: Section =
      d.view === 'board' || d.view === 'yaml' || d.view === 'versions' ? 'playbooks' : (d.view as Section);
    this.go({
      section,
      playbook: d.playbook ?? this.route.playbook,
      tab: d.view === 'versions' ? 'versions' : 'board',
    });
  };

  private renderPlaybooks(): TemplateResult {
    const current = this.route.playbook;
    return html`<div class="playbooks" @kith-navigate=${this.onNavigate}>
      <nav class="list" aria-label=${t('playbooks.list')}>
        ${
          this.playbooks.length === 0
            ? html`<p class="help">${t('playbooks.none')} <a href="#/templates">${t('playbooks.fromTemplate')}</a></p>`
            : nothing
        }
        <ul>
          ${this.playbooks.map(
            (p) => html`<li>
              <a href="#/playbooks/${encodeURIComponent(p.id)}" aria-current=${p.id === current ? 'page' : 'false'}>
                <div>${p.name || p.id}</div>
                <div class="meta">
                  ${p.publishedVersion ? t('playbooks.published', { version: p.publishedVersion }) : t('playbooks.draft')}
                  ${p.errors > 0 ? ` · ${t('editor.errors', { count: p.errors })}` : ''}
                </div>
              </a>
            </li>`,
          )}
        </ul>
      </nav>
      <div class="work">
        ${
          current
            ? html`<div class="tabs" role="tablist" aria-label=${t('playbooks.views')}>
                <a role="tab" href="#/playbooks/${encodeURIComponent(current)}" aria-selected=${this.route.tab === 'board' ? 'true' : 'false'}>${t('tab.board')}</a>
                <a role="tab" href="#/playbooks/${encodeURIComponent(current)}/versions" aria-selected=${this.route.tab === 'versions' ? 'true' : 'false'}>${t('tab.versions')}</a>
              </div>
              ${
                this.route.tab === 'versions'
                  ? this.loaded.has('versions')
                    ? html`<div class="panel">${this.panel('versions')}</div>`
                    : html`<p class="empty">${t('shell.loading')}</p>`
                  : html`<kith-playbook-editor
                    .api=${this.api}
                    .tenant=${this.tenant}
                    .playbookId=${current}
                    @kith-saved=${() => void this.refreshPlaybooks()}
                  ></kith-playbook-editor>`
              }`
            : html`<p class="empty">${t('playbooks.pick')}</p>`
        }
      </div>
    </div>`;
  }

  private renderHelp(): TemplateResult {
    const rows: [string, string][] = [
      ['Alt+1 … Alt+5', t('help.nav')],
      ['Ctrl+S / ⌘S', t('help.save')],
      ['Alt+Shift+Y', t('help.yaml')],
      ['Tab / Shift+Tab', t('help.focus')],
      ['↑ ↓', t('help.steps')],
      ['Enter', t('help.open')],
      ['Alt+↑ / Alt+↓', t('help.reorder')],
      ['Alt+← / Alt+→', t('help.stage')],
      ['Delete', t('help.delete')],
      ['?', t('help.help')],
    ];
    return html`<dialog open aria-labelledby="help-title" @close=${() => (this.showHelp = false)}>
      <h2 id="help-title">${t('help.title')}</h2>
      <table>
        ${rows.map(([k, v]) => html`<tr><td><kbd>${k}</kbd></td><td>${v}</td></tr>`)}
      </table>
      <button type="button" @click=${() => (this.showHelp = false)}>${t('help.close')}</button>
    </dialog>`;
  }
}

const elementCache = new WeakMap<KithApp, Map<string, HTMLElement>>();

/** Keeps one element per panel and context, so switching sections does not reset a panel. */
function cached(app: KithApp, key: string, fresh: HTMLElement): HTMLElement {
  let map = elementCache.get(app);
  if (!map) {
    map = new Map();
    elementCache.set(app, map);
  }
  const hit = map.get(key);
  if (hit) return hit;
  map.set(key, fresh);
  return fresh;
}

function isTyping(e: KeyboardEvent): boolean {
  const el = e.composedPath()[0] as HTMLElement | undefined;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

customElements.define('kith-app', KithApp);

declare global {
  interface HTMLElementTagNameMap {
    'kith-app': KithApp;
  }
}
