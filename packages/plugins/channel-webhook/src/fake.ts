import type { FakeProvider, FakeReceived } from '@kith/sdk/testing';
import { generateWebhookSecret } from '@kith/sdk/webhook';
import { startWebhookReceiver } from './receiver.js';

/** The contract suite's fake: a real receiver on 127.0.0.1; the plugin uses the real global fetch. */
export async function webhookFake(): Promise<FakeProvider> {
  const receiver = await startWebhookReceiver();
  return {
    config: { url: receiver.url, secret: receiver.secret },
    member: { id: 'ann', address: 'ann@example.org' },
    group: 'g1',
    received: () =>
      receiver.deliveries
        .filter((d) => d.envelope.type === 'message.send')
        .map(
          (d) =>
            d.envelope.data as unknown as FakeReceived & {
              to: { kind: string; address?: string; group?: string };
            },
        )
        .map((d) => ({
          to:
            d.to.kind === 'group'
              ? { kind: 'group', group: String(d.to.group) }
              : { kind: 'member', address: String(d.to.address) },
          text: d.text,
          buttons: d.buttons,
        })),
    failNext: (f) => receiver.failNext(f),
    inbound(h) {
      const { type, ...data } = h;
      return receiver.sign(type, data);
    },
    forge(request) {
      // The same body re-signed with a key the receiver never shared.
      const body = Buffer.from(request.body).toString('utf8');
      const { type, data } = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      const forged = receiver.sign(type, data, {
        id: request.headers['webhook-id'],
        secret: generateWebhookSecret(),
      });
      return { ...forged, body: request.body };
    },
    close: () => receiver.close(),
  };
}
