import { FormatRegistry } from '@sinclair/typebox';

/**
 * TypeBox rejects formats it does not know, and plugin configs use `uri` and `email`; register
 * them once, only if nobody else has (the host may register stricter ones first).
 */
export function registerFormats(): void {
  if (!FormatRegistry.Has('uri')) {
    FormatRegistry.Set('uri', (v) => {
      try {
        return new URL(v).protocol.length > 1;
      } catch {
        return false;
      }
    });
  }
  if (!FormatRegistry.Has('email')) {
    FormatRegistry.Set('email', (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v));
  }
}
