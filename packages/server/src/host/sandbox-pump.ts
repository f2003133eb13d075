import type { EventInput } from '@kith/engine';
import type { IngestResult, Logger } from '../contract.js';
import type { PluginHost } from './plugins.js';
import type { Sandboxes } from './sandboxes.js';

const PUMP_MS = 500;

/**
 * The payment sandbox's outcomes come back as signed webhooks through the plugin, as a real
 * provider's would: every `PUMP_MS`, due ones are verified by the plugin and ingested. Returns
 * the stop function.
 */
export function pumpSandboxPayments(
  sandboxes: Sandboxes,
  plugins: PluginHost,
  ingest: (tenant: string, event: EventInput) => Promise<IngestResult>,
  log: Logger,
): () => void {
  let pumping = false;
  const timer = setInterval(() => {
    if (pumping) return;
    pumping = true;
    void (async () => {
      for (const due of sandboxes.duePayments()) {
        const outcome = await plugins.webhook(due.tenant, due.instance, due.request);
        if (outcome?.status === 'accepted') for (const e of outcome.events) await ingest(due.tenant, e);
      }
    })()
      .catch((error: unknown) => log.log('error', 'payment sandbox webhook failed', { error }))
      .finally(() => {
        pumping = false;
      });
  }, PUMP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
