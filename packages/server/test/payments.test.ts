import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type TestServer, testServer } from './helpers.js';

/** An offer paid through the payment sandbox: its webhook comes back through the plugin. */
const PLAYBOOK = `kith: 1
id: shop
name: Shop
timezone: UTC
secrets:
  SANDBOX_TOKEN: { description: chat }
  PAY_SECRET: { description: Standard Webhooks secret of the payment sandbox }
channels:
  chat: { use: sandbox@^1, with: { token: "\${secrets.SANDBOX_TOKEN}" } }
payments:
  pay: { use: payment-sandbox@^1, with: { webhookSecret: "\${secrets.PAY_SECRET}" } }
offers:
  box:
    name: Starter box
    price: 19900
    currency: CNY
    payment: pay
stages:
  transact:
    journeys:
      - journey: buy
        on: member.joined
        steps:
          - id: pitch
            offer: { offer: box, via: chat, text: "{{ offer.name }}: {{ checkout.url }}" }
          - id: paid
            wait: { event: payment.succeeded, timeout: 1d }
          - id: thanks
            send: { via: chat, to: member, text: "Thank you for your order" }
`;

describe('payments through the payment sandbox', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    const { editor } = s.tokens;
    await s.call('PUT', '/api/v1/tenants/t1/secrets/SANDBOX_TOKEN', {
      token: editor,
      body: { value: 'chat-token-1' },
    });
    await s.call('PUT', '/api/v1/tenants/t1/secrets/PAY_SECRET', {
      token: editor,
      body: { value: `whsec_${Buffer.from('k'.repeat(24)).toString('base64')}` },
    });
    expect(
      (
        await s.call('POST', '/api/v1/tenants/t1/playbooks', {
          token: editor,
          body: { id: 'shop', source: PLAYBOOK },
        })
      ).status,
    ).toBe(201);
    const pub = await s.call('POST', '/api/v1/tenants/t1/playbooks/shop/publish', {
      token: editor,
      body: { revision: 1 },
    });
    expect(pub.status, await pub.clone().text()).toBe(200);
  });
  afterAll(async () => s.close());

  it('sends a checkout link, takes the signed payment webhook, and goes on', async () => {
    await s.call('POST', '/api/v1/tenants/t1/events', {
      token: s.tokens.editor,
      body: { id: 'p1', type: 'member.joined', member: 'ann' },
    });
    await eventually(() => {
      const texts =
        s.host.sandboxes
          .chatOf('t1', 'chat')
          ?.inbox({ member: 'ann' })
          .map((m) => m.text) ?? [];
      expect(texts[0]).toMatch(/^Starter box: http/);
      expect(texts[1]).toBe('Thank you for your order');
    }, 10_000);
    const member = await s.host.deps.engine.runtime.member('t1', 'ann');
    expect(member?.profile.orders).toBe(1);
  });
});
