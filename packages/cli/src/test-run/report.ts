import { resolve } from 'node:path';
import type { PlaybookTestResult, SentMessage, TestFailure } from '@kith/engine/playbook-tests';
import type { Diagnostic } from '@kith/playbook';
import type { Lang } from '../i18n.js';
import { renderDiagnostic } from '../output/code-frame.js';
import { type Colors, createColors } from '../output/colors.js';
import { displayPath } from '../validate/report.js';
import { testWords } from './words.js';

export interface TestReportOptions {
  cwd: string;
  lang?: Lang;
  colors?: Colors;
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

/** `✔ playbooks/x/tests/a.test.yaml › A new mum is welcomed (42 ms)` */
export function resultLine(r: PlaybookTestResult, options: TestReportOptions): string {
  const c = options.colors ?? createColors(false);
  const w = testWords(options.lang ?? 'en');
  const ok = r.status === 'passed';
  const mark = ok ? c.green('✔') : c.red('✖');
  const note = r.status === 'invalid' ? ` ${c.red(`[${w.invalid}]`)}` : '';
  return `${mark} ${c.dim(displayPath(r.file, options.cwd))} › ${r.name}${note} ${c.dim(`(${ms(r.durationMs)})`)}`;
}

/** `N passed, M failed`: the same in every language, alone on its line (CI reads it). */
export function summaryLine(results: readonly PlaybookTestResult[]): string {
  const passed = results.filter((r) => r.status === 'passed').length;
  return `${passed} passed, ${results.length - passed} failed`;
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? 'nothing';
}

function sentBlock(moment: string, sent: readonly SentMessage[], lang: Lang, c: Colors): string[] {
  const w = testWords(lang);
  if (sent.length === 0) return [`  ${c.dim(w.noneSent(moment))}`];
  const out = [`  ${c.bold(w.sentSince(moment, sent.length))}`];
  for (const m of sent) {
    const who = m.kind === 'community' ? '(community)' : m.kind === 'group' ? `${m.to} (group)` : m.to;
    out.push(`    → ${who} via ${m.via}${m.step ? ` · ${m.step}` : ''} · ${c.dim(m.at)}`);
    for (const line of m.text.split('\n')) out.push(`      ${line}`);
  }
  return out;
}

/**
 * The details of one result that did not pass: each diagnostic or failure as a code frame at its
 * place in the test file (or the playbook), expected vs actual, and — once per failing moment —
 * the messages that were sent in the window the expectations looked at.
 */
export function renderFailures(r: PlaybookTestResult, options: TestReportOptions): string {
  if (r.status === 'passed') return '';
  const c = options.colors ?? createColors(false);
  const lang = options.lang ?? 'en';
  const w = testWords(lang);
  const sources = new Map([...r.sources].map(([k, v]) => [resolve(options.cwd, k), v]));
  const frame = (d: Diagnostic) =>
    renderDiagnostic(
      { ...d, file: displayPath(d.file, options.cwd) },
      sources.get(resolve(options.cwd, d.file)),
      { lang, colors: c },
    );
  const out: string[] = [c.underline(c.bold(`${displayPath(r.file, options.cwd)} › ${r.name}`)), ''];
  for (const d of r.diagnostics) out.push(frame(d), '');
  const byMoment = new Map<string, TestFailure[]>();
  for (const f of r.failures) byMoment.set(f.moment, [...(byMoment.get(f.moment) ?? []), f]);
  for (const failures of byMoment.values()) {
    for (const f of failures) {
      out.push(frame(f));
      if (f.code !== 'test-crashed') {
        out.push(`  ${c.green(w.expected)} ${show(f.expected)}`, `  ${c.red(w.actual)} ${show(f.actual)}`);
      }
      out.push('');
    }
    out.push(...sentBlock(failures[0]!.since, failures[0]!.sent, lang, c), '');
  }
  return `${out.join('\n')}\n`;
}

/** The `--json` document. */
export function toJsonReport(results: readonly PlaybookTestResult[], cwd: string) {
  const rel = (d: Diagnostic) => ({ ...d, file: displayPath(d.file, cwd) });
  const passed = results.filter((r) => r.status === 'passed').length;
  return {
    tests: results.map((r) => ({
      file: displayPath(r.file, cwd),
      name: r.name,
      status: r.status,
      durationMs: r.durationMs,
      checks: r.checks,
      failures: r.failures.map(rel),
      diagnostics: r.diagnostics.map(rel),
    })),
    passed,
    failed: results.length - passed,
  };
}
