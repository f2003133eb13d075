import { liquid } from './liquid.js';
import { parseCached } from './parse.js';

/**
 * A variable path a template reads, e.g. `['member', 'name']` for `{{ member.name }}`, with the
 * offset and length of that path's text in the template source.
 */
export interface TemplateReference {
  path: string[];
  offset: number;
  length: number;
}

const IDENT = /[\w\-?\u0080-\uffff]+/y;

/** End offset of the first `count` segments of the property path that starts at `offset`. */
function pathEnd(source: string, offset: number, count: number): number {
  let i = offset;
  let last = offset;
  for (let k = 0; k < count; k++) {
    if (source[i] === '[') {
      let j = i + 1;
      let quote: string | null = null;
      let depth = 1;
      for (; j < source.length && depth > 0; j++) {
        const c = source[j];
        if (quote) {
          if (c === quote) quote = null;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']') depth--;
      }
      if (depth !== 0) return last;
      i = j;
    } else {
      if (k > 0) {
        if (source[i] !== '.') return last;
        i++;
      }
      IDENT.lastIndex = i;
      const m = IDENT.exec(source);
      if (!m) return last;
      i += m[0].length;
    }
    last = i;
  }
  return i;
}

/**
 * Variables the template reads from its scope, in source order, one entry per occurrence.
 * Names bound inside the template (assign, capture, for, increment) are not reported. Paths stop
 * before a numeric or computed index. Empty when the template does not parse.
 */
export function templateReferences(source: string): TemplateReference[] {
  try {
    const parsed = parseCached(source);
    if (!parsed.ok) return [];
    const analysis = liquid.analyzeSync(parsed.templates, { partials: false });
    const lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
    const out: TemplateReference[] = [];
    for (const variables of Object.values(analysis.globals)) {
      for (const v of variables) {
        const path: string[] = [];
        for (const s of v.segments) {
          if (typeof s !== 'string') break;
          path.push(s);
        }
        if (path.length === 0) continue;
        const lineStart = lineStarts[v.location.row - 1];
        if (lineStart === undefined) continue;
        const offset = Math.min(lineStart + v.location.col - 1, source.length);
        const end = pathEnd(source, offset, path.length);
        out.push({ path, offset, length: Math.max(end - offset, 0) });
      }
    }
    return out.sort((a, b) => a.offset - b.offset);
  } catch {
    return [];
  }
}
