/// <reference lib="webworker" />
/**
 * Validation off the main thread: a 500-step playbook takes tens of milliseconds to validate, and
 * typing must never wait for it. The newest request wins; older ones still queued are dropped.
 */
import { type PluginCatalogue, validatePlaybookText } from '@kith/playbook/browser';
import type { ValidateConfig, ValidateRequest, ValidateResponse, WorkerMessage } from './protocol.js';

const TEMPLATE_PREFIX = '@kith/templates/';
let pending: ValidateRequest | undefined;
let config: ValidateConfig = { kind: 'config' };
let catalogue: PluginCatalogue | undefined;
let scheduled = false;

function catalogueOf(plugins: ValidateConfig['plugins']): PluginCatalogue | undefined {
  if (!plugins || plugins.length === 0) return undefined;
  return plugins.map((p) => ({
    name: p.name,
    version: p.version,
    configSchema: p.configSchema,
    actions: p.actions,
    capabilities: { channel: p.kind === 'channel' ? {} : null, payment: p.kind === 'payment' ? {} : null },
  }));
}

function run(req: ValidateRequest): ValidateResponse {
  const templates = config.templates ?? {};
  const started = performance.now();
  const plugins = catalogue;
  const result = validatePlaybookText(req.text, req.file, {
    host: {
      resolveTemplate: (_from, spec) => {
        const key = spec.startsWith(TEMPLATE_PREFIX) ? spec : `${TEMPLATE_PREFIX}${spec}`;
        return key in templates ? key : undefined;
      },
      readFile: (path) => {
        const text = templates[path];
        if (text === undefined) throw new Error(`template ${path} is not available in the editor`);
        return text;
      },
    },
    ...(plugins ? { plugins } : {}),
  });
  return {
    id: req.id,
    diagnostics: result.diagnostics,
    ms: performance.now() - started,
    resolved: result.playbook,
  };
}

self.onmessage = (e: MessageEvent<WorkerMessage>) => {
  if (e.data.kind === 'config') {
    config = e.data;
    catalogue = catalogueOf(config.plugins);
    return;
  }
  pending = e.data;
  if (scheduled) return;
  scheduled = true;
  // Let a burst of keystrokes land first, so only the newest text is validated.
  setTimeout(() => {
    scheduled = false;
    const req = pending;
    pending = undefined;
    if (req) self.postMessage(run(req));
  }, 0);
};
