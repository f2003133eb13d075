import type { FakeHappening, FakeProvider } from '@kith/sdk/testing';
import { createSandbox, type SandboxOptions } from './provider/sandbox.js';

/**
 * The sandbox as the contract suite's fake provider: it is its own provider, so this only
 * translates the suite's vocabulary. Lives beside the plugin so other tests can reuse it.
 */
export function sandboxFake(options: SandboxOptions = {}): FakeProvider {
  const sandbox = createSandbox(options);
  sandbox.createGroup('g1', { name: 'Group one', capacity: 500 });
  return {
    config: sandbox.config,
    fetch: sandbox.fetch,
    member: { id: 'ann', address: 'ann' },
    group: 'g1',
    received: () =>
      sandbox.inbox().map((m) => ({
        to:
          m.to.kind === 'member'
            ? { kind: 'member', address: m.to.address }
            : { kind: 'group', group: m.to.group },
        text: m.text,
        buttons: m.buttons,
      })),
    failNext: (f) => sandbox.failNext(f),
    async inbound(h: FakeHappening) {
      const m = sandbox.member(h.address);
      if (h.type === 'message.received') return m.reply(h.text, { group: h.group });
      if (h.type === 'button.clicked') return m.click(h.value, { group: h.group });
      if (h.type === 'member.joined') return m.join({ invite: h.invite, group: h.group });
      return m.leave({ group: h.group });
    },
    forge: (request) => ({
      ...request,
      headers: { ...request.headers, 'x-sandbox-signature': '00'.repeat(32) },
    }),
  };
}
