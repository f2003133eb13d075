/**
 * Everything of @kith/playbook that runs in a browser (no file system): the schema, types,
 * validation of text, expressions and templates. The editor imports this entry.
 */
export * from './diagnostics.js';
export * from './expr/index.js';
export * from './schema/index.js';
export { playbookJsonSchema } from './schema/json.js';
export * from './template/index.js';
export { type DocumentResult, validateSimulationText, validateTestText } from './validate/documents.js';
export { type FallbackReason, type IncrementalStats, IncrementalValidator } from './validate/incremental.js';
export {
  type CataloguePlugin,
  type PlaybookHost,
  type PluginCatalogue,
  type ValidateOptions,
  type ValidateResult,
  validatePlaybookText,
} from './validate/index.js';
export { MESSAGES } from './validate/messages.js';
export { pluginName } from './validate/plugins.js';
export { walkSteps } from './validate/resolve.js';
export { EXPRESSION_ROOTS, MEMBER_FIELDS, TEMPLATE_ROOTS } from './validate/variables.js';
export { currencyDigits, isCurrency, isTimeZone } from './values/calendar.js';
export { formatDuration, parseDuration as parseDurationMs } from './values/duration.js';
