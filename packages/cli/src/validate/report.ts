import { isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostic, ValidateResult } from '@kith/playbook';
import { type Lang, messages } from '../i18n.js';
import { renderDiagnostic } from '../output/code-frame.js';
import { type Colors, createColors } from '../output/colors.js';

export interface ReportOptions {
  /** Directory paths are shown relative to (and relative paths are resolved against). */
  cwd: string;
  /** Hide warnings and notes (`--quiet`). */
  quiet?: boolean;
}

export interface FileReport {
  /** The playbook validated, as displayed (relative to cwd when inside it). */
  file: string;
  /** Its diagnostics (own file first, then templates), sorted, deduplicated, `--quiet` applied; `file` as displayed. */
  diagnostics: Diagnostic[];
}

export interface Report {
  files: FileReport[];
  errors: number;
  warnings: number;
  infos: number;
  /** Files with at least one error or warning shown. */
  filesWithProblems: number;
}

/** The `--json` document: `{ files: [{ file, diagnostics }], errors, warnings }`. */
export interface JsonReport {
  files: FileReport[];
  errors: number;
  warnings: number;
}

/** Path as shown to the user: relative to cwd when inside it, else absolute. */
export function displayPath(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

export function buildReport(results: readonly ValidateResult[], options: ReportOptions): Report {
  const { cwd, quiet = false } = options;
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  let filesWithProblems = 0;
  const files = results.map((r): FileReport => {
    const own = resolve(cwd, r.file);
    const seen = new Set<string>();
    const ds = r.diagnostics
      .filter((d) => !quiet || d.severity === 'error')
      .filter((d) => {
        const key = `${resolve(cwd, d.file)}\0${d.offset}\0${d.endOffset}\0${d.code}\0${d.path}\0${d.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .map((d) => ({ ...d, file: displayPath(d.file, cwd), abs: resolve(cwd, d.file) }))
      .sort(
        (a, b) =>
          Number(b.abs === own) - Number(a.abs === own) ||
          a.file.localeCompare(b.file) ||
          a.offset - b.offset ||
          a.code.localeCompare(b.code) ||
          a.path.localeCompare(b.path),
      )
      .map(({ abs: _abs, ...d }): Diagnostic => d);
    let problems = false;
    for (const d of ds) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
      else infos++;
      if (d.severity !== 'info') problems = true;
    }
    if (problems) filesWithProblems++;
    return { file: displayPath(r.file, cwd), diagnostics: ds };
  });
  return { files, errors, warnings, infos, filesWithProblems };
}

export function toJsonReport(report: Report): JsonReport {
  return { files: report.files, errors: report.errors, warnings: report.warnings };
}

export interface RenderOptions extends ReportOptions {
  lang?: Lang;
  colors?: Colors;
}

/**
 * The human-readable report: for each file with something to show, its path, then one code
 * frame per diagnostic; then the summary line. Ends with a newline.
 */
export function renderReport(results: readonly ValidateResult[], options: RenderOptions): string {
  const report = buildReport(results, options);
  const c = options.colors ?? createColors(false);
  const lang = options.lang ?? 'en';
  const out: string[] = [];
  report.files.forEach((fr, i) => {
    if (fr.diagnostics.length === 0) return;
    const sources = normalizeSources(results[i]!.sources, options.cwd);
    out.push(c.underline(c.bold(fr.file)), '');
    for (const d of fr.diagnostics) {
      out.push(renderDiagnostic(d, sources.get(resolve(options.cwd, d.file)), { lang, colors: c }), '');
    }
  });
  out.push(summaryLine(report, results.length, lang, c));
  return `${out.join('\n')}\n`;
}

function normalizeSources(sources: ReadonlyMap<string, string>, cwd: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of sources) m.set(resolve(cwd, k), v);
  return m;
}

/** `✖ 3 errors, 1 warning in 2 of 9 files`, `⚠ 1 warning in 1 of 9 files` or `✔ 9 playbooks valid`. */
export function summaryLine(
  report: Report,
  total: number,
  lang: Lang,
  c: Colors = createColors(false),
): string {
  const m = messages(lang);
  const notes = report.infos > 0 ? m.infos(report.infos) : undefined;
  if (report.errors === 0 && report.warnings === 0) {
    const valid = `✔ ${m.allValid(total)}`;
    return c.green(notes ? `${valid} (${notes})` : valid);
  }
  const parts: string[] = [];
  if (report.errors > 0) parts.push(m.errors(report.errors));
  if (report.warnings > 0) parts.push(m.warnings(report.warnings));
  if (notes) parts.push(notes);
  const text = m.problemsIn(m.list(parts), report.filesWithProblems, total);
  return report.errors > 0 ? c.red(c.bold(`✖ ${text}`)) : c.yellow(c.bold(`⚠ ${text}`));
}
