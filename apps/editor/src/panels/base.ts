import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { ApiError, type KithApi } from '../api/client.js';
import { getLang, LangController, t } from '../i18n/index.js';
import './messages.js';
import type { Locale } from './lib/format.js';
import type { Problem } from './lib/problems.js';
import { type NavigateDetail, navigateEvent } from './navigate.js';

/** Words for any failure: the API's kinds and statuses mapped to what a person can do next. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return t('panels.error.network');
    if (error.kind === 'timeout') return t('panels.error.timeout');
    if (error.kind === 'unreadable') return t('panels.error.unreadable');
    if (error.status === 401) return t('panels.error.unauthorized');
    if (error.status === 403) return t('panels.error.forbidden');
    if (error.status === 404) return t('panels.error.notFound');
    if (error.status === 429) return t('panels.error.rateLimited', { seconds: error.retryAfter ?? 10 });
    if (error.status >= 500) return t('panels.error.server', { id: error.requestId ?? '—' });
    return error.detail;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A refused playbook's diagnostics (422), each at its line, in the language shown; the first 20. */
export function diagnosticList(error: unknown, lang: Locale): TemplateResult | typeof nothing {
  const ds = error instanceof ApiError ? error.diagnostics : [];
  if (ds.length === 0) return nothing;
  return html`<ul data-testid="panel-diagnostics">
    ${ds.slice(0, 20).map((d) => {
      const words = lang === 'zh-CN' ? d.zh : d;
      return html`<li>
        ${d.line ? html`<code>${d.line}:${d.column}</code> ` : nothing}${words.message}
        ${words.hint ? html`<span class="hint">${words.hint}</span>` : nothing}
      </li>`;
    })}
  </ul>`;
}

export function problemText(p: Problem | undefined): string {
  return p === undefined ? '' : t(p.key, p.params);
}

/** A panel: takes `.api` and `.tenant`, re-renders on a language change, asks the shell to navigate. */
export class PanelElement extends LitElement {
  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    tenant: { type: String },
  };

  declare api: KithApi | undefined;
  declare tenant: string;

  protected readonly i18n = new LangController(this);

  constructor() {
    super();
    this.api = undefined;
    this.tenant = '';
  }

  protected get locale(): Locale {
    return getLang();
  }

  protected navigate(detail: NavigateDetail): void {
    this.dispatchEvent(navigateEvent(detail));
  }

  protected renderLoading(label = t('panels.loading')): TemplateResult {
    return html`<p class="state" role="status" aria-live="polite" data-testid="panel-loading">${label}</p>`;
  }

  protected renderError(error: unknown, retry?: () => void): TemplateResult {
    return html`<div class="state error" role="alert" data-testid="panel-error">
      <p>${errorText(error)}</p>
      ${retry ? html`<button type="button" @click=${retry}>${t('panels.retry')}</button>` : nothing}
    </div>`;
  }

  protected renderEmpty(text: string): TemplateResult {
    return html`<p class="state empty" data-testid="panel-empty">${text}</p>`;
  }
}

/** Shared look: quiet, dense enough for 1280×800, visible focus for keyboard use. */
export const panelStyles = css`
  :host {
    display: block;
    font: 14px/1.45 system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif;
    color: #1f2328;
    --ok: #1a7f37;
    --bad: #cf222e;
    --warn: #9a6700;
    --muted: #59636e;
    --line: #d1d9e0;
    --soft: #f6f8fa;
    --accent: #0969da;
  }
  h2 {
    font-size: 18px;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 15px;
    margin: 16px 0 8px;
  }
  button {
    font: inherit;
    padding: 5px 12px;
    border: 1px solid var(--line);
    border-radius: 6px;
    background: #fff;
    cursor: pointer;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: #fff;
  }
  button.link {
    border: 0;
    background: none;
    color: var(--accent);
    padding: 0;
    text-decoration: underline;
  }
  button.danger {
    color: var(--bad);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :is(button, input, select, textarea, a, summary):focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    padding: 4px 8px;
    border: 1px solid var(--line);
    border-radius: 6px;
    background: #fff;
    box-sizing: border-box;
  }
  input[aria-invalid='true'] {
    border-color: var(--bad);
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 2px;
  }
  .hint {
    color: var(--muted);
    font-size: 12px;
    margin: 2px 0 0;
  }
  .field-error {
    color: var(--bad);
    font-size: 12px;
    margin: 2px 0 0;
  }
  .state {
    color: var(--muted);
    padding: 16px;
    border: 1px dashed var(--line);
    border-radius: 8px;
  }
  .state.error {
    color: var(--bad);
    border-color: var(--bad);
  }
  .row {
    display: flex;
    gap: 8px;
    align-items: center;
    flex-wrap: wrap;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 4px 8px;
    border-bottom: 1px solid var(--line);
    vertical-align: top;
  }
  td.num,
  th.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    display: inline-block;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--soft);
    border: 1px solid var(--line);
    font-size: 12px;
  }
  .badge.bad {
    color: var(--bad);
    border-color: var(--bad);
    background: #ffebe9;
  }
  .badge.ok {
    color: var(--ok);
    border-color: var(--ok);
  }
  .card {
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 12px;
    background: #fff;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
  }
`;
