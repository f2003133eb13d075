import { createSandbox, type Sandbox } from '@kith/channel-sandbox';
import { createSandboxProvider, type SandboxProvider } from '@kith/payment-sandbox';
import type { PluginClock, WebhookRequest } from '@kith/sdk';

const key = (tenant: string, instance: string) => `${tenant}\u0000${instance}`;

/**
 * The in-process providers behind the sandbox plugins: one chat sandbox and one payment sandbox
 * per (tenant, instance), so demos and tests run with no network. Their `fetch` is given to the
 * plugin instances; the payment sandbox's due webhooks are pumped back through the plugin.
 */
export class Sandboxes {
  private readonly chats = new Map<string, Sandbox>();
  private readonly payments = new Map<
    string,
    { provider: SandboxProvider; tenant: string; instance: string }
  >();

  constructor(private readonly clock: PluginClock) {}

  chat(
    tenant: string,
    instance: string,
    config: { token?: unknown; signingSecret?: unknown; baseUrl?: unknown },
  ): Sandbox {
    let s = this.chats.get(key(tenant, instance));
    if (!s) {
      s = createSandbox({
        clock: this.clock,
        ...(typeof config.token === 'string' ? { token: config.token } : {}),
        ...(typeof config.signingSecret === 'string' ? { signingSecret: config.signingSecret } : {}),
        ...(typeof config.baseUrl === 'string' ? { baseUrl: config.baseUrl } : {}),
      });
      this.chats.set(key(tenant, instance), s);
    }
    return s;
  }

  /** The chat sandbox of an instance, if it has been used (tests and the demo read its inbox). */
  chatOf(tenant: string, instance: string): Sandbox | undefined {
    return this.chats.get(key(tenant, instance));
  }

  payment(
    tenant: string,
    instance: string,
    config: { webhookSecret?: unknown; baseUrl?: unknown },
  ): SandboxProvider {
    let p = this.payments.get(key(tenant, instance));
    if (!p) {
      p = {
        tenant,
        instance,
        provider: createSandboxProvider({
          secret: String(config.webhookSecret ?? ''),
          clock: this.clock,
          ...(typeof config.baseUrl === 'string' ? { baseUrl: config.baseUrl } : {}),
        }),
      };
      this.payments.set(key(tenant, instance), p);
    }
    return p.provider;
  }

  /** Signed webhooks the payment sandboxes have due now, with where they go. */
  duePayments(): { tenant: string; instance: string; request: WebhookRequest }[] {
    const out: { tenant: string; instance: string; request: WebhookRequest }[] = [];
    for (const p of this.payments.values()) {
      for (const request of p.provider.due(this.clock.now()))
        out.push({ tenant: p.tenant, instance: p.instance, request });
    }
    return out;
  }
}
