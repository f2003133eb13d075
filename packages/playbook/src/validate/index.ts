import { type Diagnostic, sortDiagnostics } from '../diagnostics.js';
import type { ResolvedPlaybook } from '../schema/playbook.js';
import { toDiagnostic } from './diagnose.js';
import type { Issue } from './issue.js';
import { checkPlugins, type PluginCatalogue } from './plugins.js';
import { type PlaybookHost, type Resolution, resolvePlaybook } from './resolve.js';
import { checkSchema } from './schema-check.js';
import { checkSemantics } from './semantic.js';

export type { CataloguePlugin, PluginCatalogue } from './plugins.js';
export type { PlaybookHost } from './resolve.js';

export interface ValidateOptions {
  /** How `extends` reaches other files; without it, a playbook that extends cannot be resolved. */
  host?: PlaybookHost;
  /**
   * Installed plugins: when given, each `use:` must name one, and `with:` blocks and `call`
   * inputs are checked against the plugin's own JSON Schemas.
   */
  plugins?: PluginCatalogue;
}

export interface ValidateResult {
  /** The playbook file validated. */
  file: string;
  /** Every problem found, in this file and in templates reached through `extends`, sorted. */
  diagnostics: Diagnostic[];
  /** Path → text of every file read, for code frames. */
  sources: Map<string, string>;
  /** The resolved playbook, present when there are no errors. */
  playbook: ResolvedPlaybook | undefined;
  /** Parameter values in force. */
  params: Record<string, unknown>;
}

/**
 * Load, resolve and validate a playbook. Never throws: every problem is a diagnostic with a
 * position, all of them reported at once.
 *
 * @example
 * const { diagnostics, playbook } = validatePlaybookText(yamlText, 'welcome.yaml');
 */
export function validatePlaybookText(
  text: string,
  file: string,
  options: ValidateOptions = {},
): ValidateResult {
  // The common case, a valid playbook, is read on the fast path (no positions). Anything it
  // refuses, and any diagnostic at all, is redone in full so that every diagnostic is placed.
  const fast = resolvePlaybook(file, text, options.host, true);
  if (fast) {
    const result = validateResolution(fast, file, options);
    if (result.diagnostics.length === 0) return result;
  }
  return validatePlaybookTextFully(text, file, options);
}

/**
 * `validatePlaybookText` without trying the fast path first: the same result (the fast path only
 * ever returns what this would), sooner when the text is known to have a problem.
 */
export function validatePlaybookTextFully(
  text: string,
  file: string,
  options: ValidateOptions = {},
): ValidateResult {
  return validateResolution(resolvePlaybook(file, text, options.host), file, options);
}

function validateResolution(resolution: Resolution, file: string, options: ValidateOptions): ValidateResult {
  return finishValidation(resolution, file, checkResolution(resolution, options));
}

/** The problems found beyond loading and resolving, at paths of the resolved playbook. */
export function checkResolution(resolution: Resolution, options: ValidateOptions): Issue[] {
  const { value } = resolution;
  if (!value) return [];
  return [
    ...resolution.issues,
    ...checkSchema(value),
    ...checkSemantics(value, resolution.params),
    ...(options.plugins ? checkPlugins(value, options.plugins) : []),
  ];
}

/** Place and word the issues, and put the result together. */
export function finishValidation(resolution: Resolution, file: string, issues: Issue[]): ValidateResult {
  const { value, origins, root } = resolution;
  const diagnostics = [...resolution.diagnostics];
  if (value) {
    for (const issue of issues) diagnostics.push(toDiagnostic(issue, { source: root, root: value, origins }));
  }
  const sources = new Map([...resolution.sources].map(([path, s]) => [path, s.text]));
  const ok = value !== undefined && !diagnostics.some((d) => d.severity === 'error');
  return {
    file,
    diagnostics: sortDiagnostics(dedupe(diagnostics)),
    sources,
    playbook: ok ? (value as unknown as ResolvedPlaybook) : undefined,
    params: resolution.params,
  };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.file}|${d.offset}|${d.code}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
