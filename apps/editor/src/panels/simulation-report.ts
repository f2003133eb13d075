import { html, nothing, svg, type TemplateResult } from 'lit';
import type { SimulationReport } from '../api/types.js';
import { t } from '../i18n/index.js';
import { barLayout, funnelLayout } from './lib/charts.js';
import { formatMoney, formatNumber, formatPercent, type Locale } from './lib/format.js';
import type { Named } from './lib/outline.js';
import { dayRows, hasViolations } from './lib/sim-report.js';

const LABEL_W = 150;
const PLOT_W = 420;
const VALUE_W = 170;

/** The funnel as an inline SVG: one centred bar per stage, reached members and conversions beside it. */
export function funnelChart(
  stages: readonly { stage: string; reached: number }[],
  names: readonly Named[],
  lang: Locale,
): TemplateResult {
  const nameOf = (id: string): string => names.find((n) => n.id === id)?.name ?? id;
  const layout = funnelLayout(
    stages.map((s) => ({ label: nameOf(s.stage), value: s.reached })),
    { width: PLOT_W },
  );
  const width = LABEL_W + PLOT_W + VALUE_W;
  return html`<svg
    class="funnel"
    data-testid="sim-funnel"
    role="img"
    aria-label=${t('panels.sim.funnelLabel')}
    viewBox="0 0 ${width} ${Math.max(layout.height, 1)}"
    width="100%"
    style="max-width:${width}px"
  >
    ${layout.rows.map(
      (r) => svg`
        ${r.neck ? svg`<polygon points=${r.neck} transform="translate(${LABEL_W},0)" fill="#d8e6fb"></polygon>` : nothing}
        <text x=${LABEL_W - 8} y=${r.y + r.height / 2} text-anchor="end" dominant-baseline="middle" font-size="13">${r.label}</text>
        <rect x=${LABEL_W + r.x} y=${r.y} width=${r.width} height=${r.height} rx="3" fill="#0969da"><title>${r.label}: ${formatNumber(r.value, lang)}</title></rect>
        <text x=${LABEL_W + PLOT_W + 8} y=${r.y + r.height / 2} dominant-baseline="middle" font-size="13">
          ${formatNumber(r.value, lang)}${r.fromPrevious !== null ? ` · ${formatPercent(r.fromPrevious, lang)}` : ''}
        </text>`,
    )}
  </svg>`;
}

function summary(report: SimulationReport, lang: Locale): TemplateResult {
  const a = report.activity;
  const cells: [string, number][] = [
    ['joined', a.joined],
    ['invited', a.invited],
    ['messages', a.messages],
    ['clicks', a.clicks],
    ['payments', a.payments],
    ['refunds', a.refunds],
    ['churned', a.churned],
  ];
  return html`<dl class="summary" data-testid="sim-summary">
    ${cells.map(([k, v]) => html`<div><dt>${t(`panels.sim.activity.${k}`)}</dt><dd>${formatNumber(v, lang)}</dd></div>`)}
  </dl>`;
}

function money(report: SimulationReport, lang: Locale): TemplateResult {
  return html`<h3>${t('panels.sim.revenue')}</h3>
    ${
      report.revenue.length === 0
        ? html`<p class="hint">${t('panels.sim.noRevenue')}</p>`
        : html`<table data-testid="sim-revenue">
            <thead>
              <tr>
                <th>${t('panels.sim.currency')}</th>
                <th class="num">${t('panels.sim.ordersPaid')}</th>
                <th class="num">${t('panels.sim.gross')}</th>
                <th class="num">${t('panels.sim.refunds')}</th>
                <th class="num">${t('panels.sim.net')}</th>
              </tr>
            </thead>
            <tbody>
              ${report.revenue.map(
                (r) => html`<tr>
                  <td>${r.currency}</td>
                  <td class="num">${formatNumber(r.paid, lang)} / ${formatNumber(r.orders, lang)}</td>
                  <td class="num">${formatMoney(r.gross, r.currency, lang)}</td>
                  <td class="num">${formatMoney(r.refunds, r.currency, lang)}</td>
                  <td class="num"><strong>${formatMoney(r.net, r.currency, lang)}</strong></td>
                </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h3>${t('panels.sim.commissions')}</h3>
    ${
      report.commissions.source === 'none' || report.commissions.currencies.length === 0
        ? html`<p class="hint">${t('panels.sim.noCommissions')}</p>`
        : html`<table data-testid="sim-commissions">
            <thead>
              <tr>
                <th>${t('panels.sim.currency')}</th>
                <th class="num">${t('panels.sim.commissionTotal')}</th>
                <th class="num">${t('panels.sim.pending')}</th>
                <th class="num">${t('panels.sim.payable')}</th>
                <th class="num">${t('panels.sim.paid')}</th>
                <th class="num">${t('panels.sim.clawedBack')}</th>
              </tr>
            </thead>
            <tbody>
              ${report.commissions.currencies.map(
                (c) => html`<tr>
                  <td>${c.currency}</td>
                  <td class="num"><strong>${formatMoney(c.commissions, c.currency, lang)}</strong></td>
                  <td class="num">${formatMoney(c.pending, c.currency, lang)}</td>
                  <td class="num">${formatMoney(c.payable, c.currency, lang)}</td>
                  <td class="num">${formatMoney(c.paid, c.currency, lang)}</td>
                  <td class="num">${formatMoney(c.reversed + c.clawedBack, c.currency, lang)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}

const CHART_W = 760;
const CHART_H = 90;

function messages(report: SimulationReport, lang: Locale): TemplateResult {
  const rows = dayRows(report);
  const bars = barLayout(
    rows.map((r) => r.total),
    CHART_W,
    CHART_H,
  );
  const v = report.violations;
  // Critical messages (receipts, the covenant on joining) may arrive in quiet hours on purpose.
  const quiet = report.channels.reduce((n, c) => n + c.quietHours.messages - c.quietHours.critical, 0);
  return html`<h3>${t('panels.sim.messages')}</h3>
    <p class="hint">
      ${t('panels.sim.quietWindow', { start: report.quietHours.start, end: report.quietHours.end })}
      ${report.quietHours.source === 'default' ? t('panels.sim.quietDefault') : ''}
    </p>
    <p data-testid="sim-violations">
      <span class="badge ${v.rateLimit > 0 ? 'bad' : 'ok'}">${t('panels.sim.rateLimitTotal', { count: v.rateLimit, over: v.messagesOverLimit })}</span>
      <span class="badge ${quiet > 0 ? 'bad' : 'ok'}">${t('panels.sim.quietTotal', { count: quiet })}</span>
    </p>
    <svg
      data-testid="sim-messages-chart"
      role="img"
      aria-label=${t('panels.sim.perDayLabel')}
      viewBox="0 0 ${CHART_W} ${CHART_H + 4}"
      width="100%"
      style="max-width:${CHART_W}px"
    >
      ${bars.bars.map((b) => {
        const row = rows[b.index]!;
        const bad = row.rateLimit > 0 || row.quiet > 0;
        return svg`<rect x=${b.x} y=${b.y} width=${b.width} height=${Math.max(b.height, b.value > 0 ? 1 : 0)} fill=${bad ? '#cf222e' : '#0969da'}><title>${row.date}: ${formatNumber(row.total, lang)}</title></rect>`;
      })}
      <line x1="0" x2=${CHART_W} y1=${CHART_H} y2=${CHART_H} stroke="#d1d9e0"></line>
    </svg>
    <table data-testid="sim-channels">
      <thead>
        <tr>
          <th>${t('panels.sim.channel')}</th>
          <th class="num">${t('panels.sim.activity.messages')}</th>
          <th class="num">${t('panels.sim.direct')}</th>
          <th class="num">${t('panels.sim.group')}</th>
          <th class="num">${t('panels.sim.rateLimit')}</th>
          <th class="num">${t('panels.sim.quiet')}</th>
        </tr>
      </thead>
      <tbody>
        ${report.channels.map((c) => {
          const windows = c.limits.reduce((n, l) => n + l.violations, 0);
          const quiet = c.quietHours.messages - c.quietHours.critical;
          return html`<tr>
            <td>${c.channel} <span class="hint">${c.use}</span></td>
            <td class="num">${formatNumber(c.messages, lang)}</td>
            <td class="num">${formatNumber(c.direct, lang)}</td>
            <td class="num">${formatNumber(c.group, lang)}</td>
            <td class="num ${windows > 0 ? 'bad' : ''}">${formatNumber(windows, lang)}</td>
            <td class="num ${quiet > 0 ? 'bad' : ''}">${formatNumber(quiet, lang)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${limitMoments(report)}
    <details>
      <summary>${t('panels.sim.perDayTable')}</summary>
      <table data-testid="sim-days">
        <thead>
          <tr>
            <th>${t('panels.sim.day')}</th>
            ${report.channels.map((c) => html`<th class="num">${c.channel}</th>`)}
            <th class="num">${t('panels.sim.total')}</th>
            <th>${t('panels.sim.problems')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr class=${r.rateLimit > 0 || r.quiet > 0 ? 'bad-row' : ''}>
              <td>${r.date}</td>
              ${r.perChannel.map((n) => html`<td class="num">${formatNumber(n, lang)}</td>`)}
              <td class="num">${formatNumber(r.total, lang)}</td>
              <td>
                ${r.rateLimit > 0 ? html`<span class="badge bad">${t('panels.sim.rateLimitDay', { count: r.rateLimit })}</span>` : nothing}
                ${r.quiet > 0 ? html`<span class="badge bad">${t('panels.sim.quietDay', { count: r.quiet })}</span>` : nothing}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>`;
}

function limitMoments(report: SimulationReport): TemplateResult | typeof nothing {
  const moments = report.channels.flatMap((c) =>
    c.limits.flatMap((l) => l.moments.map((m) => ({ channel: c.channel, name: l.name, ...m }))),
  );
  if (moments.length === 0) return nothing;
  return html`<details open>
    <summary>${t('panels.sim.firstMoments', { count: moments.length })}</summary>
    <ul data-testid="sim-limit-moments">
      ${moments.slice(0, 20).map(
        (m) => html`<li>
          <span class="badge bad">${m.channel}</span>
          ${t('panels.sim.moment', { at: m.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'), limit: m.name, count: m.count, max: m.max })}
        </li>`,
      )}
    </ul>
  </details>`;
}

/** The whole report: summary, funnel, money, messages with rate-limit and quiet-hour problems. */
export function reportView(report: SimulationReport, stages: readonly Named[], lang: Locale): TemplateResult {
  return html`<div data-testid="sim-report">
    ${
      hasViolations(report)
        ? html`<p class="state error" role="alert">${t('panels.sim.violationsWarning')}</p>`
        : html`<p class="badge ok">${t('panels.sim.noViolations')}</p>`
    }
    ${summary(report, lang)}
    <h3>${t('panels.sim.funnel')}</h3>
    ${
      report.funnel.stages.length === 0
        ? html`<p class="hint">${t('panels.sim.noStages')}</p>`
        : funnelChart(report.funnel.stages, stages, lang)
    }
    ${money(report, lang)} ${messages(report, lang)}
  </div>`;
}
