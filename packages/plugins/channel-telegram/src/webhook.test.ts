import { type KvStore, memoryKv } from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { webhookRequest } from '@kith/sdk/webhook';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GROUP, FAKE_WEBHOOK_SECRET, type FakeTelegram, fakeTelegram } from './fake/index.js';
import { telegramChannel } from './plugin.js';
import { SECRET_HEADER } from './webhook.js';

const channel = telegramChannel.capabilities.channel!;
const hook = channel.webhook!;
let fake: FakeTelegram;
let kv: KvStore;
beforeEach(async () => {
  fake = await fakeTelegram();
  kv = memoryKv();
});
afterEach(() => fake.close?.());

const ctx = (extra: Record<string, unknown> = {}) =>
  createTestContext(telegramChannel, { ...fake.config, ...extra }, { kv });

async function receive(update: Parameters<FakeTelegram['updates']['request']>[0]) {
  const request = fake.updates.request(update);
  expect(await hook.verify(ctx(), request)).toEqual({ ok: true });
  return hook.parse(ctx(), request);
}

describe('telegram webhook verification', () => {
  it('accepts the secret token and refuses a missing, wrong or differently long one, and non-POSTs', async () => {
    const request = fake.updates.request(fake.updates.message(1001, 'hi'));
    expect(await hook.verify(ctx(), request)).toEqual({ ok: true });
    const { [SECRET_HEADER]: _, ...unsigned } = request.headers;
    expect(await hook.verify(ctx(), { ...request, headers: unsigned })).toMatchObject({
      ok: false,
      reason: 'missing-signature',
    });
    for (const wrong of [`${FAKE_WEBHOOK_SECRET.slice(0, -1)}X`, 'short', `${FAKE_WEBHOOK_SECRET}x`]) {
      const forged = { ...request, headers: { ...request.headers, [SECRET_HEADER]: wrong } };
      expect(await hook.verify(ctx(), forged)).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
    expect(await hook.verify(ctx(), { ...request, method: 'GET' })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('turns a body that is not an update into no events', async () => {
    const junk = webhookRequest({ headers: { [SECRET_HEADER]: FAKE_WEBHOOK_SECRET }, body: '{"hello":1}' });
    expect(await hook.parse(ctx(), junk)).toEqual({ events: [] });
    const notJson = webhookRequest({ headers: { [SECRET_HEADER]: FAKE_WEBHOOK_SECRET }, body: '<xml/>' });
    expect(await hook.parse(ctx(), notJson)).toEqual({ events: [] });
  });
});

describe('telegram updates → events', () => {
  it('maps a group message with the sender as address and the chat as group, id from update_id', async () => {
    const update = fake.updates.message(1001, 'Hello all', FAKE_GROUP);
    const { events } = await receive(update);
    expect(events).toEqual([
      {
        id: `update:${update.update_id}`,
        type: 'message.received',
        at: expect.any(Number),
        address: '1001',
        name: 'Ann',
        group: String(FAKE_GROUP),
        data: { text: 'Hello all', messageId: expect.stringMatching(new RegExp(`^${FAKE_GROUP}:\\d+$`)) },
      },
    ]);
    expect((await hook.parse(ctx(), fake.updates.request(update))).events[0]?.id).toBe(events[0]?.id);
  });

  it('maps a callback query to button.clicked and answers it in the webhook response', async () => {
    const update = fake.updates.callback(1001, 'yes');
    const parsed = await receive(update);
    expect(parsed.events[0]).toMatchObject({
      type: 'button.clicked',
      address: '1001',
      group: null,
      data: { value: 'yes' },
    });
    const q = (update as { callback_query: { id: string } }).callback_query;
    expect(JSON.parse(parsed.reply?.body ?? '{}')).toEqual({
      method: 'answerCallbackQuery',
      callback_query_id: q.id,
    });
  });

  it('ignores chat_member changes that are neither joins nor leaves (a promotion)', async () => {
    const { events } = await receive(fake.updates.chatMember(1001, FAKE_GROUP, 'member', 'administrator'));
    expect(events).toEqual([]);
  });

  it('reports a kick as member.left', async () => {
    const { events } = await receive(fake.updates.chatMember(1001, FAKE_GROUP, 'member', 'kicked'));
    expect(events[0]).toMatchObject({ type: 'member.left', address: '1001', group: String(FAKE_GROUP) });
  });
});

describe('telegram invites and referral attribution', () => {
  it('names a group invite link with the code and maps the chat_member join back to it', async () => {
    const invite = await channel.createInvite(ctx(), {
      member: 'ann',
      group: String(FAKE_GROUP),
      attribution: { referrer: 'ann', campaign: 'spring' },
    });
    expect(invite.code).toMatch(/^kith-[A-Za-z0-9_-]{11}$/);
    const link = fake.server.api.links.at(-1)!;
    expect(link).toMatchObject({ name: invite.code, creates_join_request: false, invite_link: invite.url });
    const { events } = await receive(fake.updates.chatMember(2001, FAKE_GROUP, 'left', 'member', { link }));
    expect(events[0]).toMatchObject({
      type: 'member.joined',
      address: '2001',
      group: String(FAKE_GROUP),
      data: { invite: invite.code, attribution: { referrer: 'ann', campaign: 'spring' } },
    });
  });

  it('finds the code by the link’s URL when an admin renamed the link', async () => {
    const invite = await channel.createInvite(ctx(), {
      member: 'ann',
      group: String(FAKE_GROUP),
      attribution: { referrer: 'ann' },
    });
    const link = { ...fake.server.api.links.at(-1)!, name: 'Spring flyer' };
    const { events } = await receive(fake.updates.chatMember(2002, FAKE_GROUP, 'left', 'member', { link }));
    expect(events[0]?.data).toMatchObject({ invite: invite.code, attribution: { referrer: 'ann' } });
  });

  it('with joinRequests, reports the request with its code and keeps the code for the approved join', async () => {
    const c = ctx({ joinRequests: true });
    const invite = await channel.createInvite(c, {
      member: 'ann',
      group: String(FAKE_GROUP),
      attribution: { referrer: 'ann' },
    });
    const link = fake.server.api.links.at(-1)!;
    expect(link.creates_join_request).toBe(true);
    const requested = await receive(fake.updates.joinRequest(2003, FAKE_GROUP, link));
    expect(requested.events[0]).toMatchObject({
      type: 'member.join_requested',
      address: '2003',
      data: { invite: invite.code },
    });
    // After an admin approves, the chat_member update says via_join_request and may omit the link.
    const joined = await receive(
      fake.updates.chatMember(2003, FAKE_GROUP, 'left', 'member', { viaJoinRequest: true }),
    );
    expect(joined.events[0]).toMatchObject({
      type: 'member.joined',
      data: { invite: invite.code, attribution: { referrer: 'ann' } },
    });
  });

  it('without a group, invites through the bot deep link and maps /start <code> to member.joined', async () => {
    const invite = await channel.createInvite(ctx(), {
      member: 'ann',
      group: null,
      attribution: { referrer: 'ann' },
    });
    expect(invite.url).toBe(`https://t.me/kith_test_bot?start=${invite.code}`);
    await channel.createInvite(ctx(), { member: 'ann', group: null, attribution: { referrer: 'bo' } });
    expect(fake.server.calls.filter((c) => c.method === 'getMe')).toHaveLength(1); // cached in kv
    const { events } = await receive(fake.updates.message(2004, `/start ${invite.code}`));
    expect(events[0]).toMatchObject({
      type: 'member.joined',
      address: '2004',
      group: null,
      data: { invite: invite.code, attribution: { referrer: 'ann' } },
    });
    const plain = await receive(fake.updates.message(2004, '/start'));
    expect(plain.events[0]).toMatchObject({ type: 'message.received', data: { text: '/start' } });
  });
});
