import { css, html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { MemberProfile, MemberSummary, TimelineItem } from '../api/types.js';
import { t } from '../i18n/index.js';
import { PanelElement, panelStyles } from './base.js';
import { formatDateTime, formatNumber } from './lib/format.js';
import { CursorPager, type Filters, memberQuery, timelineText } from './lib/members.js';
import { outline } from './lib/outline.js';

type Async<T> =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; value: T };

interface Profile {
  member: MemberProfile;
  timeline: TimelineItem[];
}

const EMPTY_FILTERS: Filters = { q: '', stage: '', tier: '', tag: '' };

/** Member search with filters and cursor pages, and a member's profile with their timeline. */
export class KithMembersPanel extends PanelElement {
  static override properties: PropertyDeclarations = {
    member: { type: String },
    filters: { state: true },
    list: { state: true },
    profile: { state: true },
    suggestions: { state: true },
  };

  static override styles = [
    panelStyles,
    css`
      .layout {
        display: grid;
        grid-template-columns: minmax(420px, 1fr) minmax(360px, 1fr);
        gap: 16px;
        align-items: start;
      }
      .filters {
        display: grid;
        grid-template-columns: 2fr 1fr 1fr 1fr;
        gap: 8px;
        margin-bottom: 8px;
      }
      .filters input {
        width: 100%;
      }
      tr.selected {
        background: #ddf4ff;
      }
      dl.facts {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 4px 12px;
        margin: 0;
      }
      dl.facts dt {
        color: var(--muted);
      }
      dl.facts dd {
        margin: 0;
      }
      .timeline {
        list-style: none;
        padding: 0;
        margin: 0;
        max-height: 360px;
        overflow: auto;
      }
      .timeline li {
        display: grid;
        grid-template-columns: 150px 64px 1fr;
        gap: 6px;
        padding: 3px 0;
        border-bottom: 1px solid var(--soft);
      }
    `,
  ];

  declare member: string;
  declare filters: Filters;
  declare list: Async<MemberSummary[]>;
  declare profile: Async<Profile>;
  declare suggestions: { stages: string[]; tiers: string[] };
  private readonly pager = new CursorPager();
  private listRequest = 0;
  private profileRequest = 0;
  private debounce: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    super();
    this.member = '';
    this.filters = { ...EMPTY_FILTERS };
    this.list = { state: 'idle' };
    this.profile = { state: 'idle' };
    this.suggestions = { stages: [], tiers: [] };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.debounce !== null) clearTimeout(this.debounce);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const ready = this.api !== undefined && this.tenant !== '';
    if ((changed.has('api') || changed.has('tenant')) && ready) {
      this.pager.reset();
      void this.fetchPage(undefined);
      void this.fetchSuggestions();
    }
    if ((changed.has('member') || changed.has('api') || changed.has('tenant')) && ready) {
      if (this.member !== '') void this.openMember(this.member);
      else this.profile = { state: 'idle' };
    }
  }

  private async fetchPage(cursor: string | undefined): Promise<void> {
    if (this.api === undefined) return;
    const request = ++this.listRequest;
    this.list = { state: 'loading' };
    try {
      const page = await this.api.listMembers(this.tenant, memberQuery(this.filters, cursor));
      if (request !== this.listRequest) return;
      this.pager.loaded(page.next);
      this.list = { state: 'ready', value: page.items };
    } catch (error) {
      if (request === this.listRequest) this.list = { state: 'error', error };
    }
  }

  /** Stage and tier ids from the tenant's playbooks, offered as suggestions in the filters. */
  private async fetchSuggestions(): Promise<void> {
    if (this.api === undefined) return;
    try {
      const { items } = await this.api.listPlaybooks(this.tenant);
      const stages = new Set<string>();
      const tiers = new Set<string>();
      const books = await Promise.all(items.slice(0, 5).map((p) => this.api!.getPlaybook(this.tenant, p.id)));
      for (const b of books) {
        const o = outline(b.source);
        for (const s of o.stages) stages.add(s.id);
        for (const tr of o.tiers) tiers.add(tr.id);
      }
      this.suggestions = { stages: [...stages], tiers: [...tiers] };
    } catch {
      // Suggestions only help typing; the filters work without them.
    }
  }

  private setFilter(key: keyof Filters, value: string): void {
    this.filters = { ...this.filters, [key]: value };
    if (this.debounce !== null) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.search(), 300);
  }

  private search(event?: Event): void {
    event?.preventDefault();
    if (this.debounce !== null) clearTimeout(this.debounce);
    this.debounce = null;
    this.pager.reset();
    void this.fetchPage(undefined);
  }

  private clear(): void {
    this.filters = { ...EMPTY_FILTERS };
    this.search();
  }

  private next(): void {
    const cursor = this.pager.forward();
    if (cursor !== undefined) void this.fetchPage(cursor);
  }

  private previous(): void {
    if (!this.pager.hasPrevious) return;
    void this.fetchPage(this.pager.back());
  }

  private async openMember(id: string): Promise<void> {
    if (this.api === undefined) return;
    const request = ++this.profileRequest;
    this.profile = { state: 'loading' };
    try {
      const [member, timeline] = await Promise.all([
        this.api.getMember(this.tenant, id),
        this.api.memberTimeline(this.tenant, id),
      ]);
      if (request === this.profileRequest)
        this.profile = { state: 'ready', value: { member, timeline: timeline.items } };
    } catch (error) {
      if (request === this.profileRequest) this.profile = { state: 'error', error };
    }
  }

  override render(): TemplateResult {
    if (this.api === undefined || this.tenant === '') return this.renderLoading();
    return html`<section aria-labelledby="m-title">
      <h2 id="m-title">${t('panels.members.title')}</h2>
      <div class="layout">
        <div>${this.renderSearch()} ${this.renderList()}</div>
        <div>${this.renderProfile()}</div>
      </div>
    </section>`;
  }

  private renderSearch(): TemplateResult {
    const input = (key: keyof Filters, list?: string) => html`<div>
      <label for="mf-${key}">${t(`panels.members.filter.${key}`)}</label>
      <input
        id="mf-${key}"
        data-testid="members-${key === 'q' ? 'search' : `filter-${key}`}"
        type=${key === 'q' ? 'search' : 'text'}
        list=${list ?? nothing}
        .value=${this.filters[key]}
        @input=${(e: Event) => this.setFilter(key, (e.target as HTMLInputElement).value)}
      />
    </div>`;
    return html`<form role="search" @submit=${this.search} data-testid="members-filters">
      <div class="filters">
        ${input('q')} ${input('stage', 'mf-stages')} ${input('tier', 'mf-tiers')} ${input('tag')}
      </div>
      <datalist id="mf-stages">${this.suggestions.stages.map((s) => html`<option value=${s}></option>`)}</datalist>
      <datalist id="mf-tiers">${this.suggestions.tiers.map((s) => html`<option value=${s}></option>`)}</datalist>
      <div class="row">
        <button type="submit" class="primary">${t('panels.members.search')}</button>
        <button type="button" data-testid="members-clear" @click=${this.clear}>${t('panels.members.clear')}</button>
      </div>
    </form>`;
  }

  private renderList(): TemplateResult {
    const l = this.list;
    if (l.state === 'idle' || l.state === 'loading') return this.renderLoading();
    if (l.state === 'error') return this.renderError(l.error, () => void this.fetchPage(this.pager.current));
    const filtered = Object.values(this.filters).some((v) => v.trim() !== '');
    return html`${
      l.value.length === 0
        ? this.renderEmpty(filtered ? t('panels.members.noMatch') : t('panels.members.none'))
        : html`<table data-testid="members-list" style="margin-top:8px">
            <thead>
              <tr>
                <th>${t('panels.members.member')}</th>
                <th>${t('panels.members.stage')}</th>
                <th>${t('panels.members.tier')}</th>
                <th>${t('panels.members.tags')}</th>
                <th class="num">${t('panels.members.points')}</th>
              </tr>
            </thead>
            <tbody>
              ${l.value.map(
                (m) => html`<tr class=${m.id === this.member ? 'selected' : ''}>
                  <td>
                    <button
                      type="button"
                      class="link"
                      data-testid="members-open"
                      data-member=${m.id}
                      @click=${() => {
                        this.member = m.id;
                      }}
                    >
                      ${m.name ?? m.id}
                    </button>
                    ${m.name ? html`<br /><span class="hint">${m.id}</span>` : nothing}
                  </td>
                  <td>${m.stage ?? '—'}</td>
                  <td>${m.tier || '—'}</td>
                  <td>${(m.tags ?? []).map((tag) => html`<span class="badge">${tag}</span> `)}</td>
                  <td class="num">${m.points === undefined ? '—' : formatNumber(m.points, this.locale)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
    }
      <nav class="row" aria-label=${t('panels.members.pages')} style="margin-top:8px">
        <button type="button" data-testid="members-prev" ?disabled=${!this.pager.hasPrevious} @click=${this.previous}>
          ${t('panels.members.previous')}
        </button>
        <span class="hint">${t('panels.members.page', { page: this.pager.page + 1 })}</span>
        <button type="button" data-testid="members-next" ?disabled=${!this.pager.hasNext} @click=${this.next}>
          ${t('panels.members.next')}
        </button>
      </nav>`;
  }

  private renderProfile(): TemplateResult {
    const p = this.profile;
    if (p.state === 'idle') return this.renderEmpty(t('panels.members.pick'));
    if (p.state === 'loading') return this.renderLoading();
    if (p.state === 'error') return this.renderError(p.error, () => void this.openMember(this.member));
    const { member: m, timeline } = p.value;
    const referrals = Array.isArray(m.referrals) ? m.referrals.length : m.referrals;
    const groups = Object.entries(m.groups ?? {});
    const facts: [string, TemplateResult | string][] = [
      [t('panels.members.stage'), m.stage ?? '—'],
      [t('panels.members.tier'), m.tier || '—'],
      [t('panels.members.points'), formatNumber(m.points ?? 0, this.locale)],
      [
        t('panels.members.referrer'),
        m.referrer
          ? html`<button type="button" class="link" @click=${() => (this.member = m.referrer!)}>${m.referrer}</button>`
          : '—',
      ],
      [
        t('panels.members.referrals'),
        m.referralsTotal !== undefined && m.referralsTotal !== referrals
          ? t('panels.members.referralsBoth', { direct: referrals, total: m.referralsTotal })
          : formatNumber(referrals, this.locale),
      ],
      [
        t('panels.members.groups'),
        groups.length === 0
          ? '—'
          : html`${groups.map(([pool, g]) => html`<span class="badge">${pool}: ${g}</span> `)}`,
      ],
      [
        t('panels.members.tags'),
        (m.tags ?? []).length === 0
          ? '—'
          : html`${m.tags.map((tag) => html`<span class="badge">${tag}</span> `)}`,
      ],
      [t('panels.members.joined'), formatDateTime(m.joinedAt ?? null, this.locale)],
    ];
    if (m.badges && m.badges.length > 0) facts.push([t('panels.members.badges'), m.badges.join(', ')]);
    const streaks = Object.entries(m.streaks ?? {});
    if (streaks.length > 0)
      facts.push([t('panels.members.streaks'), streaks.map(([k, v]) => `${k}: ${v}`).join(', ')]);
    const identities = Object.entries(m.identities ?? {});
    if (identities.length > 0)
      facts.push([t('panels.members.identities'), identities.map(([k, v]) => `${k}: ${v}`).join(', ')]);
    return html`<article class="card" data-testid="members-profile" aria-labelledby="mp-title">
      <h3 id="mp-title" style="margin-top:0">${m.name ?? m.id} ${m.name ? html`<span class="hint">${m.id}</span>` : nothing}</h3>
      <dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
      ${
        (m.instances ?? []).length > 0
          ? html`<h3>${t('panels.members.journeys')}</h3>
              <ul>
                ${m.instances.map(
                  (i) => html`<li>
                    <strong>${i.journey}</strong>${i.step ? html` › <code>${i.step}</code>` : nothing}
                    ${i.status ? html`<span class="badge">${i.status}</span>` : nothing}
                  </li>`,
                )}
              </ul>`
          : nothing
      }
      <h3>${t('panels.members.timeline')}</h3>
      ${
        timeline.length === 0
          ? html`<p class="hint">${t('panels.members.noTimeline')}</p>`
          : html`<ol class="timeline" data-testid="members-timeline">
              ${timeline.map(
                (i) => html`<li>
                  <span class="hint">${formatDateTime(i.at, this.locale)}</span>
                  <span class="badge">${t(`panels.live.kind.${i.kind}`)}</span>
                  <span>${timelineText(i)}</span>
                </li>`,
              )}
            </ol>`
      }
    </article>`;
  }
}

if (!customElements.get('kith-members-panel')) customElements.define('kith-members-panel', KithMembersPanel);

declare global {
  interface HTMLElementTagNameMap {
    'kith-members-panel': KithMembersPanel;
  }
}
