/**
 * @kith/playbook — the Kith playbook language: JSON Schema, types, YAML loading with positions,
 * validation with positioned diagnostics in English and Chinese, templates (`extends` + params).
 */
export * from './browser.js';
export { nodeHost, readPlaybookFile, validatePlaybookFile } from './node-host.js';
