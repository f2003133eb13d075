import type { Template } from 'liquidjs';
import { suggest } from '../expr/errors.js';
import { liquid, TEMPLATE_FILTERS, TEMPLATE_LIMITS } from './liquid.js';

/** A problem in a template, located by offset and length within the template source. */
export interface TemplateError {
  message: string;
  offset: number;
  length: number;
}

/** Thrown by `renderTemplate` when the source does not parse; `templateError` locates it. */
export class TemplateSyntaxError extends Error {
  readonly templateError: TemplateError;
  constructor(error: TemplateError) {
    super(error.message);
    this.name = 'TemplateSyntaxError';
    this.templateError = error;
  }
}

/** Thrown by `renderTemplate` when rendering hits a limit (time, memory) or a filter fails. */
export class TemplateRenderError extends Error {
  readonly templateError: TemplateError;
  constructor(error: TemplateError) {
    super(error.message);
    this.name = 'TemplateRenderError';
    this.templateError = error;
  }
}

export type Parsed = { ok: true; templates: Template[] } | { ok: false; error: TemplateError };

const MAX_CACHE = 5_000;
const cache = new Map<string, Parsed>();

/** Parses with the shared instance, cached by source (oldest dropped beyond 5,000). Never throws. */
export function parseCached(source: string): Parsed {
  let p = cache.get(source);
  if (p !== undefined) return p;
  p = parseUncached(source);
  if (cache.size >= MAX_CACHE) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(source, p);
  return p;
}

function parseUncached(source: string): Parsed {
  if (typeof source !== 'string') {
    return { ok: false, error: { message: 'a template must be a string', offset: 0, length: 0 } };
  }
  if (source.length > TEMPLATE_LIMITS.maxSourceLength) {
    const max = TEMPLATE_LIMITS.maxSourceLength;
    return {
      ok: false,
      error: {
        message: `template is too long (${source.length} characters; the limit is ${max})`,
        offset: max,
        length: source.length - max,
      },
    };
  }
  try {
    return { ok: true, templates: liquid.parse(source) };
  } catch (e) {
    return { ok: false, error: toTemplateError(e, source) };
  }
}

/** Checks a template. Never throws, whatever the input. */
export function parseTemplate(source: string): { ok: true } | { ok: false; error: TemplateError } {
  try {
    const p = parseCached(source);
    return p.ok ? { ok: true } : { ok: false, error: p.error };
  } catch (e) {
    return { ok: false, error: toTemplateError(e, typeof source === 'string' ? source : '') };
  }
}

/** Liquid's message, without its ", line:1, col:5" suffix (we give offsets) and reworded when common. */
function cleanMessage(raw: string): string {
  let m = raw.replace(/(, file:[^,]*)?, line:\d+, col:\d+$/, '');
  let match = /^undefined filter: (.+)$/.exec(m);
  if (match) {
    const name = match[1]!;
    const close = suggest(name, TEMPLATE_FILTERS);
    return close
      ? `unknown filter '${name}'; did you mean '${close}'?`
      : `unknown filter '${name}'; see the template filter list (e.g. money, date, default, upcase, truncate)`;
  }
  match = /^tag "(.+)" not found$/.exec(m);
  if (match) {
    const name = match[1]!;
    if (name.startsWith('end')) return `'${name}' has no matching '{% ${name.slice(3)} %}' before it`;
    return `unknown tag '${name}'`;
  }
  match = /^output "(.*)" not closed$/s.exec(m);
  if (match) return `'{{' is not closed: add '}}'`;
  match = /^tag "(.*)" not closed$/s.exec(m);
  if (match) return `'{%' is not closed: add '%}'`;
  match = /^tag \{%-?\s*(\w+)[\s\S]*%\} not closed$/.exec(m);
  if (match) return `'{% ${match[1]} %}' is not closed: add '{% end${match[1]} %}'`;
  if (m === 'parse length limit exceeded') m = 'template is too long';
  return m;
}

/** Offsets from Liquid's error token (clamped to the source), message cleaned. */
export function toTemplateError(e: unknown, source: string): TemplateError {
  const raw = e instanceof Error ? e.message : String(e);
  const token = (e as { token?: { begin?: unknown; end?: unknown } } | null)?.token;
  let offset = 0;
  let length = source.length;
  if (token && typeof token.begin === 'number' && typeof token.end === 'number') {
    offset = Math.min(Math.max(0, token.begin), source.length);
    length = Math.min(Math.max(0, token.end - token.begin), source.length - offset);
  }
  return { message: cleanMessage(raw), offset, length };
}
