import type { LimitCatalogue } from '@kith/engine';

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
  return catalogue.installedRateLimits();
}
