/**
 * Message templates: Liquid (liquidjs) with one shared, locked-down instance and Kith's filters
 * (`money`, `date` with a time zone, `default`). `{{ member.name }}`, `{% if %}`, `{% for %}`.
 */

export { TEMPLATE_FILTERS, TEMPLATE_LIMITS } from './liquid.js';
export {
  parseTemplate,
  type TemplateError,
  TemplateRenderError,
  TemplateSyntaxError,
} from './parse.js';
export { type TemplateReference, templateReferences } from './references.js';
export { renderTemplate } from './render.js';
