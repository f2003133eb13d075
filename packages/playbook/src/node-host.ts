import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileDiagnostic } from './diagnostics.js';
import { DEFAULT_LIMITS } from './load/limits.js';
import { type PluginCatalogue, type ValidateResult, validatePlaybookText } from './validate/index.js';
import { messageFor } from './validate/messages.js';
import type { PlaybookHost } from './validate/resolve.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Read a playbook file as text; binary and oversized files become a clear error message. */
export function readPlaybookFile(path: string): string {
  const size = statSync(path).size;
  if (size > DEFAULT_LIMITS.maxChars * 4)
    throw new Error(`the file is ${size} bytes; the limit is ${DEFAULT_LIMITS.maxChars}`);
  const bytes = readFileSync(path);
  try {
    return decoder.decode(bytes);
  } catch {
    // Let the loader report it with its code: NUL marks the text as binary.
    return '\u0000';
  }
}

/** Files on disk; templates by relative path or by package name (resolved from the file). */
export const nodeHost: PlaybookHost = {
  readFile: readPlaybookFile,
  resolveTemplate(fromFile, spec) {
    const base = dirname(resolve(fromFile));
    const candidates = (p: string) => [p, `${p}.yaml`, `${p}.yml`, `${p}/playbook.yaml`];
    if (spec.startsWith('.') || isAbsolute(spec)) {
      return candidates(isAbsolute(spec) ? spec : resolve(base, spec)).find(
        (p) => existsSync(p) && statSync(p).isFile(),
      );
    }
    const require = createRequire(resolve(base, 'noop.js'));
    for (const c of candidates(spec)) {
      try {
        return require.resolve(c);
      } catch {
        // try the next form
      }
    }
    return undefined;
  },
};

/**
 * Validate a playbook file on disk, following `extends` to templates on disk or in packages.
 *
 * @example
 * const result = await validatePlaybookFile('playbooks/mother-baby/playbook.yaml');
 * if (result.diagnostics.some((d) => d.severity === 'error')) process.exitCode = 1;
 */
export async function validatePlaybookFile(
  path: string,
  options: { lang?: 'en' | 'zh-CN'; plugins?: PluginCatalogue } = {},
): Promise<ValidateResult> {
  let text: string;
  try {
    text = readPlaybookFile(path);
  } catch (e) {
    const args = { path, detail: (e as Error).message };
    const words = messageFor('file-not-found');
    const d = fileDiagnostic(path, 'file-not-found', {
      message: words.en(args),
      hint: words.hint(args),
      zh: { message: words.zh(args), hint: words.zhHint(args) },
    });
    return { file: path, diagnostics: [d], sources: new Map(), playbook: undefined, params: {} };
  }
  return validatePlaybookText(text, path, { host: nodeHost, plugins: options.plugins });
}
