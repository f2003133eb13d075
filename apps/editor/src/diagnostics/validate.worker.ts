/// <reference lib="webworker" />
/**
 * Validation off the main thread: typing must never wait for it. The newest request wins; older
 * ones still queued are dropped. Successive texts of a playbook are validated incrementally (only
 * the top-level blocks and journeys an edit touched are read again), with the same diagnostics as
 * validating the whole text.
 */
import { IncrementalValidator, type PlaybookHost, type PluginCatalogue } from '@kith/playbook/browser';
import type { ValidateConfig, ValidateRequest, ValidateResponse, WorkerMessage } from './protocol.js';

const TEMPLATE_PREFIX = '@kith/templates/';
let pending: ValidateRequest | undefined;
let config: ValidateConfig = { kind: 'config' };
let catalogue: PluginCatalogue | undefined;
let scheduled = false;
/** Keeps what it read of the previous text; made again when the file or the config changes. */
let validator: IncrementalValidator | undefined;

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

/** `extends` reaches the template sources the page sent, by their `@kith/templates/…` spec. */
function hostOf(templates: Record<string, string>): PlaybookHost {
  return {
    resolveTemplate: (_from, spec) => {
      const key = spec.startsWith(TEMPLATE_PREFIX) ? spec : `${TEMPLATE_PREFIX}${spec}`;
      return key in templates ? key : undefined;
    },
    readFile: (path) => {
      const text = templates[path];
      if (text === undefined) throw new Error(`template ${path} is not available in the editor`);
      return text;
    },
  };
}

function run(req: ValidateRequest): ValidateResponse {
  const started = performance.now();
  if (validator?.file !== req.file) {
    validator = new IncrementalValidator(req.file, {
      host: hostOf(config.templates ?? {}),
      ...(catalogue ? { plugins: catalogue } : {}),
    });
  }
  const result = validator.validate(req.text);
  return {
    id: req.id,
    diagnostics: result.diagnostics,
    ms: performance.now() - started,
    // The page needs the resolved playbook only to show what a template brings; anything else
    // would be copied back for nothing (a 500-step playbook is thousands of objects).
    resolved: result.sources.size > 1 ? result.playbook : undefined,
  };
}

self.onmessage = (e: MessageEvent<WorkerMessage>) => {
  if (e.data.kind === 'config') {
    config = e.data;
    catalogue = catalogueOf(config.plugins);
    validator = undefined;
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
