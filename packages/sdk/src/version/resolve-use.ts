import semver from 'semver';
import { contextIncompatibility, SUPPORTED_CONTEXT_VERSIONS } from '../context/compat.js';
import { isPluginName } from '../plugin/name.js';
import type { Plugin } from '../plugin/types.js';

/** `telegram@^1` → name and range; a bare name means any version (`*`). */
export interface PluginUse {
  name: string;
  range: string;
}

export type UseErrorCode = 'bad-use' | 'not-installed' | 'no-matching-version' | 'incompatible-context';

export interface UseError {
  code: UseErrorCode;
  message: string;
  /** Installed versions of that name, newest first (for "did you mean" and the editor). */
  installed: string[];
}

export type ResolveUseResult<P> = { ok: true; plugin: P; version: string } | { ok: false; error: UseError };

/** Splits `use:`; the `@` of a scope (`@acme/x@^2`) is not a version separator. */
export function parsePluginUse(use: string): PluginUse | null {
  const at = use.indexOf('@', 1);
  const name = at < 0 ? use : use.slice(0, at);
  const range = at < 0 ? '*' : use.slice(at + 1).trim();
  if (!isPluginName(name) || range === '' || semver.validRange(range) === null) return null;
  return { name, range };
}

/**
 * Picks the installed plugin a playbook's `use:` means: the highest version of that name that
 * satisfies the range and whose context version the runtime provides. The runtime records
 * `version` on each journey instance, so a member finishes on the plugin version they started on.
 */
export function resolvePluginUse<P extends Pick<Plugin, 'name' | 'version' | 'contextVersion'>>(
  use: string,
  installed: readonly P[],
  supportedContextVersions: readonly number[] = SUPPORTED_CONTEXT_VERSIONS,
): ResolveUseResult<P> {
  const parsed = parsePluginUse(use);
  if (parsed === null) {
    return {
      ok: false,
      error: {
        code: 'bad-use',
        message: `'${use}' is not a plugin name with an optional semver range (e.g. telegram@^1)`,
        installed: [],
      },
    };
  }
  const candidates = installed
    .filter((p) => p.name === parsed.name)
    .sort((a, b) => semver.rcompare(a.version, b.version));
  const versions = candidates.map((p) => p.version);
  if (candidates.length === 0) {
    const names = [...new Set(installed.map((p) => p.name))].sort();
    return {
      ok: false,
      error: {
        code: 'not-installed',
        message: `plugin '${parsed.name}' is not installed${names.length ? ` (installed: ${names.join(', ')})` : ''}`,
        installed: [],
      },
    };
  }
  const matching = candidates.filter((p) => semver.satisfies(p.version, parsed.range));
  if (matching.length === 0) {
    return {
      ok: false,
      error: {
        code: 'no-matching-version',
        message: `no installed version of '${parsed.name}' satisfies ${parsed.range} (installed: ${versions.join(', ')})`,
        installed: versions,
      },
    };
  }
  const runnable = matching.find((p) => contextIncompatibility(p, supportedContextVersions) === null);
  if (runnable === undefined) {
    return {
      ok: false,
      error: {
        code: 'incompatible-context',
        message: contextIncompatibility(matching[0]!, supportedContextVersions)!,
        installed: versions,
      },
    };
  }
  return { ok: true, plugin: runnable, version: runnable.version };
}
