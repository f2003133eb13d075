/**
 * FNV-1a over UTF-16 code units: stable across runs, platforms and Node versions, which is what
 * A/B splits and retry jitter need (Math.random would make replays and simulations diverge).
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) derived from `text`, uniform enough for weights and jitter. */
export function unitHash(text: string): number {
  // mix once more so that keys differing only in the last character spread evenly
  let h = hash32(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
