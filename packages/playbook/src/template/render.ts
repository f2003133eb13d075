import { liquid, TEMPLATE_LIMITS } from './liquid.js';
import { parseCached, TemplateRenderError, TemplateSyntaxError, toTemplateError } from './parse.js';

/**
 * Renders a message template against a scope (`member`, `params`, `offer`, `now`, `timezone`, ...).
 * Synchronous; parsed templates are cached by source. Missing variables render as empty text.
 * Throws `TemplateSyntaxError` for a template that does not parse and `TemplateRenderError` when
 * rendering exceeds its time or memory budget. Output beyond 100,000 characters is truncated.
 * The scope is never modified (it is copied: `increment`/`decrement` write to the copy).
 */
export function renderTemplate(source: string, scope: Record<string, unknown>): string {
  const parsed = parseCached(source);
  if (!parsed.ok) throw new TemplateSyntaxError(parsed.error);
  let out: unknown;
  try {
    out = liquid.renderSync(parsed.templates, { ...scope }, { ownPropertyOnly: true });
  } catch (e) {
    throw new TemplateRenderError(toTemplateError(e, source));
  }
  const text = typeof out === 'string' ? out : String(out ?? '');
  return text.length > TEMPLATE_LIMITS.maxOutputLength
    ? text.slice(0, TEMPLATE_LIMITS.maxOutputLength)
    : text;
}
