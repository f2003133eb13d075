/**
 * Diagnostics are data, never exceptions: every problem found in a playbook becomes one of these,
 * with a stable code, a position and a message in English and Simplified Chinese.
 */
export type Severity = 'error' | 'warning' | 'info';

export type Lang = 'en' | 'zh-CN';

export interface Span {
  /** 1-based line of the first character. */
  line: number;
  /** 1-based column of the first character. */
  column: number;
  endLine: number;
  endColumn: number;
  /** 0-based character offsets into the source text. */
  offset: number;
  endOffset: number;
}

export interface Diagnostic extends Span {
  severity: Severity;
  /** Stable kebab-case code, e.g. `unknown-channel`. Documented in docs/playbook-language.md. */
  code: string;
  /** English message. */
  message: string;
  /** English hint: what to do about it. */
  hint: string;
  /** Simplified Chinese message and hint. */
  zh: { message: string; hint: string };
  /** The file the problem is in (a template's file when it comes through `extends`). */
  file: string;
  /** JSON Pointer (RFC 6901) of the offending value, `""` for the whole document. */
  path: string;
}

/** The message and hint in the requested language. */
export function localize(d: Diagnostic, lang: Lang): { message: string; hint: string } {
  return lang === 'zh-CN' ? d.zh : { message: d.message, hint: d.hint };
}

/** JSON Pointer from path segments. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

/** Order diagnostics by file, then position, then code: output is stable for tests and CI. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.offset - b.offset ||
      a.code.localeCompare(b.code) ||
      a.path.localeCompare(b.path),
  );
}

/**
 * A diagnostic about a whole file (it cannot be read, a tool failed on it): placed at 1:1, with
 * the words given. The one place such diagnostics are built.
 */
export function fileDiagnostic(
  file: string,
  code: string,
  words: { message: string; hint: string; zh: { message: string; hint: string } },
  severity: Severity = 'error',
): Diagnostic {
  return {
    severity,
    code,
    ...words,
    file,
    path: '',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    offset: 0,
    endOffset: 0,
  };
}
