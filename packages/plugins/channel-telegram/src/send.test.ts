import type { OutboundMessage, PluginError } from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GROUP, type FakeTelegram, fakeTelegram } from './fake/index.js';
import { telegramChannel } from './plugin.js';

const channel = telegramChannel.capabilities.channel!;
let fake: FakeTelegram;
beforeEach(async () => {
  fake = await fakeTelegram();
});
afterEach(() => fake.close?.());

const ctx = (extra: Record<string, unknown> = {}, key: string | null = null) =>
  createTestContext(telegramChannel, { ...fake.config, ...extra }, { idempotencyKey: key });

function msg(to: OutboundMessage['to'], text: string, more: Partial<OutboundMessage> = {}): OutboundMessage {
  return { to, text, subject: null, html: null, image: null, buttons: [], ...more };
}
const ann = (): OutboundMessage['to'] => ({ kind: 'member', member: 'ann', address: '1001' });
const group = (): OutboundMessage['to'] => ({ kind: 'group', group: String(FAKE_GROUP), pool: null });

async function failure(p: Promise<unknown>): Promise<PluginError> {
  try {
    await p;
  } catch (e) {
    return e as PluginError;
  }
  throw new Error('expected a failure');
}

describe('telegram send (grammY against the fake Bot API)', () => {
  it('calls sendMessage on /bot<token>/ with an inline keyboard: callback_data for values, url for links', async () => {
    const r = await channel.send(
      ctx(),
      msg(ann(), 'Coming on Friday?', {
        buttons: [
          { text: 'Yes', value: 'yes', url: null },
          { text: 'Programme', value: null, url: 'https://example.org/p' },
        ],
      }),
    );
    expect(r.providerMessageId).toBe('1001:1');
    const call = fake.server.calls.at(-1)!;
    expect(call).toMatchObject({ method: 'sendMessage', status: 200 });
    expect(call.params).toEqual({
      chat_id: 1001,
      text: 'Coming on Friday?',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Yes', callback_data: 'yes' }],
          [{ text: 'Programme', url: 'https://example.org/p' }],
        ],
      },
    });
  });

  it('sends to a group by its negative chat id, with the configured parse mode', async () => {
    const r = await channel.send(ctx({ parseMode: 'HTML' }), msg(group(), '<b>Morning</b>'));
    expect(r.providerMessageId).toBe(`${FAKE_GROUP}:1`);
    expect(fake.server.calls.at(-1)?.params).toMatchObject({ chat_id: FAKE_GROUP, parse_mode: 'HTML' });
  });

  it('sends an image as a photo with the text as caption', async () => {
    await channel.send(ctx(), msg(ann(), 'Our venue', { image: 'https://example.org/v.jpg' }));
    expect(fake.server.calls.at(-1)).toMatchObject({
      method: 'sendPhoto',
      params: { chat_id: 1001, photo: 'https://example.org/v.jpg', caption: 'Our venue' },
    });
  });

  it('sends once per idempotency key, even when the runtime delivers the effect again', async () => {
    const c = ctx({}, 'tenant:ann:welcome:hi:0');
    const first = await channel.send(c, msg(ann(), 'Hi'));
    const again = await channel.send(c, msg(ann(), 'Hi'));
    expect(again).toEqual(first);
    expect(fake.server.api.messages).toHaveLength(1);
  });

  it('refuses what Telegram would refuse, before calling it: no chat yet, callback_data over 64 bytes', async () => {
    const none = await failure(
      channel.send(ctx(), msg({ kind: 'member', member: 'bob', address: null }, 'Hi')),
    );
    expect(none.kind).toBe('permanent');
    const long = await failure(
      channel.send(ctx(), msg(ann(), 'Pick', { buttons: [{ text: 'x', value: 'v'.repeat(65), url: null }] })),
    );
    expect(long.kind).toBe('permanent');
    expect(fake.server.calls).toHaveLength(0);
  });

  it('maps Telegram errors: 400 chat not found and 403 blocked are permanent, 401 auth, 429 waits retry_after', async () => {
    const unknown = await failure(
      channel.send(ctx(), msg({ kind: 'member', member: 'x', address: '999' }, 'Hi')),
    );
    expect(unknown).toMatchObject({
      kind: 'permanent',
      status: 400,
      message: expect.stringMatching(/chat not found/),
    });
    fake.server.api.addUser(1002, 'Bo', { blocked: true });
    const blocked = await failure(
      channel.send(ctx(), msg({ kind: 'member', member: 'bo', address: '1002' }, 'Hi')),
    );
    expect(blocked).toMatchObject({ kind: 'permanent', status: 403 });
    const wrongToken = await failure(channel.send(ctx({ token: '7000001:wrong' }), msg(ann(), 'Hi')));
    expect(wrongToken).toMatchObject({ kind: 'auth', status: 401 });
    fake.failNext({ kind: 'rate-limited', retryAfterMs: 12_000 });
    const limited = await failure(channel.send(ctx(), msg(ann(), 'Hi')));
    expect(limited).toMatchObject({ kind: 'rate-limited', retryAfterMs: 12_000, status: 429 });
  });

  it('counts a proxy’s HTML 502 and an unreachable server as transient', async () => {
    fake.server.failNext({ kind: 'bad-gateway' });
    expect((await failure(channel.send(ctx(), msg(ann(), 'Hi')))).kind).toBe('transient');
    const url = fake.server.url;
    await fake.close?.();
    const down = createTestContext(telegramChannel, { ...fake.config, baseUrl: url });
    expect((await failure(channel.send(down, msg(ann(), 'Hi')))).kind).toBe('transient');
    fake = await fakeTelegram();
  });

  it('is paced by Telegram’s flood control when sent too fast (the runtime’s limits prevent this)', async () => {
    for (let i = 0; i < 20; i++) await channel.send(ctx(), msg(group(), `m${i}`));
    const over = await failure(channel.send(ctx(), msg(group(), 'one too many')));
    expect(over.kind).toBe('rate-limited');
    expect(over.retryAfterMs).toBeGreaterThan(55_000);
    expect(over.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('goes through ctx.fetch, so a host can route or observe every Bot API call', async () => {
    const seen: string[] = [];
    const c = createTestContext(telegramChannel, fake.config, {
      fetch: (input, init) => {
        seen.push(String(input).replace(fake.server.token, '<token>'));
        return fetch(input, init);
      },
    });
    await channel.send(c, msg(ann(), 'Hi'));
    expect(seen).toEqual([`${fake.server.url}/bot<token>/sendMessage`]);
  });
});

describe('telegram group moderation', () => {
  it('mutes with restrictChatMember (until a time) and removes with ban + unban', async () => {
    const req = { group: String(FAKE_GROUP), member: 'ann', address: '1001' };
    await channel.muteMember!(ctx(), { ...req, untilMs: Date.UTC(2030, 0, 1) });
    await channel.removeMember!(ctx(), req);
    const actions = fake.server.api.memberActions;
    expect(actions.map((a) => a.method)).toEqual(['restrictChatMember', 'banChatMember', 'unbanChatMember']);
    expect(actions[0]?.params).toMatchObject({
      user_id: 1001,
      until_date: Date.UTC(2030, 0, 1) / 1000,
      permissions: { can_send_messages: false },
    });
    expect(actions[2]?.params).toMatchObject({ only_if_banned: true });
    const noId = await failure(channel.removeMember!(ctx(), { ...req, address: null }));
    expect(noId.kind).toBe('permanent');
  });
});
