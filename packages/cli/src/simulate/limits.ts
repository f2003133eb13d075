import type { LimitCatalogue, ProviderLimit } from '@kith/engine';

/**
 * The rate limits the installed plugins declare (their SDK catalogue entries), by plugin name.
 * Without the catalogue package the simulator falls back to its built-in table of providers'
 * published limits.
 */
export async function installedLimits(): Promise<LimitCatalogue> {
  let catalogue: typeof import('@kith/catalogue');
  try {
    catalogue = await import('@kith/catalogue');
  } catch {
    return {};
  }
  const out: Record<string, ProviderLimit[]> = {};
  for (const entry of catalogue.pluginCatalogue()) {
    out[entry.name] = entry.rateLimits.map((l) => ({
      name: l.name,
      max: l.max,
      perMs: l.perMs,
      scope: l.scope,
      counts: l.counts,
      description: l.description,
    }));
  }
  return out;
}
