import type { FakeHappening, FakeProvider } from '@kith/sdk/testing';
import { normaliseRobotMessage } from './normalise.js';
import { type FakeDingTalkOptions, startFakeDingTalk } from './server.js';

const GROUP = 'cid-fake-group';
/**
 * The contract suite's fake: a real local DingTalk. The plugin uses the global fetch against it.
 * A custom robot hears only messages addressed to it, so joins, leaves and clicks are never reported.
 */
export async function dingtalkFake(options: FakeDingTalkOptions = {}): Promise<FakeProvider> {
  const fake = await startFakeDingTalk(options);
  return {
    config: {
      baseUrl: fake.url,
      accessToken: fake.accessToken,
      ...(fake.secret === null ? {} : { secret: fake.secret }),
      appSecret: fake.appSecret,
      chatId: GROUP,
      inviteUrl: 'https://qr.dingtalk.com/action/joingroup?code=fake',
    },
    member: { id: 'ann', address: 'staff-ann' },
    group: GROUP,
    received: () => fake.messages.map((m) => normaliseRobotMessage(m, GROUP)),
    failNext: (f) => fake.failNext(f),
    inbound(h: FakeHappening) {
      if (h.type !== 'message.received') return null;
      return fake.outgoing({
        senderStaffId: h.address,
        text: { content: ` ${h.text}` },
        conversationType: h.group === null ? '1' : '2',
      });
    },
    forge(request) {
      const body = JSON.parse(Buffer.from(request.body).toString('utf8')) as Record<string, unknown>;
      return fake.outgoing(body, {
        timestamp: Number(request.headers.timestamp),
        appSecret: 'a-guess-at-the-app-secret',
      });
    },
    close: () => fake.close(),
  };
}
