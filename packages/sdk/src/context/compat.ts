import type { Plugin } from '../plugin/types.js';
import { CONTEXT_VERSION } from './types.js';

/** Context versions this runtime can provide. Grows to [1, 2] when v2 ships with a v1 shim. */
export const SUPPORTED_CONTEXT_VERSIONS: readonly number[] = [CONTEXT_VERSION];

/**
 * Why the runtime must refuse `plugin`, or null when it can run it. A plugin built for a context
 * this runtime doesn't provide would call things that don't exist; refusing at load time, with
 * what to do about it, beats a TypeError mid-journey.
 */
export function contextIncompatibility(
  plugin: Pick<Plugin, 'name' | 'version' | 'contextVersion'>,
  supported: readonly number[] = SUPPORTED_CONTEXT_VERSIONS,
): string | null {
  if (supported.includes(plugin.contextVersion)) return null;
  const newest = Math.max(...supported);
  return plugin.contextVersion > newest
    ? `${plugin.name}@${plugin.version} needs plugin context v${plugin.contextVersion}, but this Kith runtime provides v${supported.join(', v')}: upgrade Kith, or pin an older ${plugin.name} version built for v${newest}`
    : `${plugin.name}@${plugin.version} was built for plugin context v${plugin.contextVersion}, which this Kith runtime no longer provides (v${supported.join(', v')}): upgrade the plugin`;
}
