import { memoryKv, type OutboundMessage } from '@kith/sdk';
import { createTestContext, runPluginUnderPlaybook } from '@kith/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { errorFromCode } from './errors.js';
import { type FakeFeishu, type FakeFeishuOptions, startFakeFeishu } from './fake/server.js';
import { feishuChannel } from './plugin.js';
import { decryptEvent, eventSignature, feishuBotSign } from './signing.js';

const channel = feishuChannel.capabilities.channel!;
const webhook = channel.webhook!;
const GROUP = 'oc_fakegroup';

const message = (o: Partial<OutboundMessage> = {}): OutboundMessage => ({
  to: { kind: 'group', group: GROUP, pool: null },
  text: 'Morning, all',
  subject: null,
  html: null,
  image: null,
  buttons: [],
  ...o,
});

let fake: FakeFeishu | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(
  options: FakeFeishuOptions = {},
  config: Record<string, unknown> = {},
  now?: () => number,
) {
  fake = await startFakeFeishu(options);
  const kv = memoryKv();
  const ctx = createTestContext(
    feishuChannel,
    {
      baseUrl: fake.url,
      hookToken: fake.hookToken,
      ...(fake.secret === null ? {} : { secret: fake.secret }),
      verificationToken: fake.verificationToken,
      ...(fake.encryptKey === null ? {} : { encryptKey: fake.encryptKey }),
      chatId: GROUP,
      ...config,
    },
    { kv, clock: now === undefined ? undefined : { now } },
  );
  return { fake, ctx, kv };
}

const textEvent = (f: FakeFeishu, openId: string, text: string, o: Parameters<FakeFeishu['event']>[2] = {}) =>
  f.event(
    'im.message.receive_v1',
    {
      sender: { sender_id: { open_id: openId, union_id: `on_${openId}` }, sender_type: 'user' },
      message: {
        message_id: 'om_1',
        chat_id: GROUP,
        chat_type: 'group',
        message_type: 'text',
        content: JSON.stringify({ text }),
        create_time: '1700000000123',
      },
    },
    o,
  );

describe('Feishu signing and encryption', () => {
  it('signs the custom bot as documented: HMAC-SHA256 keyed by `${seconds}\\n${secret}` over an empty message', () => {
    // Computed with the Python snippet from Feishu’s custom bot guide (hmac.new(key, b"", sha256)).
    expect(feishuBotSign('SECexample-secret', 1_700_000_000)).toBe(
      'IAMoxxTFItX+Feuz+sleCy0wU0HdTg/vT6w/tN05gzw=',
    );
    // DingTalk's scheme over the same inputs (secret as key, milliseconds) is a different value.
    expect(feishuBotSign('SECexample-secret', 1_700_000_000_000)).not.toBe(
      '0fkiC8KrRP8cNrqFxRls0ApmSoNm4LsTBQWMcJ9T5e0=',
    );
  });

  it('computes X-Lark-Signature as hex SHA-256 of timestamp + nonce + encrypt key + body', () => {
    const body = new TextEncoder().encode('{"encrypt":"abc"}');
    expect(eventSignature('1700000000', 'nonce-1', 'ek', body)).toBe(
      '8a4664ce52c1821c4afc3e0be3466e2004a615116adaff02360364d831683782',
    );
  });

  it('decrypts the example from Feishu’s documentation, and refuses what does not decrypt', () => {
    expect(decryptEvent('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
    expect(decryptEvent('other key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBeNull();
    expect(decryptEvent('test key', 'not base64 at all')).toBeNull();
  });
});

describe('Feishu custom bot sends (local fake)', () => {
  it('sends signed text, rich text with a subject, and a card with link and value buttons', async () => {
    const { fake, ctx } = await setup();
    await channel.send(ctx, message());
    await channel.send(ctx, message({ subject: 'News', text: 'Line one\nLine two' }));
    await channel.send(
      ctx,
      message({
        text: 'Coming on Friday?',
        subject: 'RSVP',
        buttons: [
          { text: 'Yes', value: 'yes', url: null },
          { text: 'Details', value: null, url: 'https://example.org/more' },
        ],
      }),
    );
    expect(fake.refusals).toEqual([]);
    expect(fake.messages.map((m) => m.body)).toEqual([
      { msg_type: 'text', content: { text: 'Morning, all' } },
      {
        msg_type: 'post',
        content: {
          post: {
            zh_cn: {
              title: 'News',
              content: [[{ tag: 'text', text: 'Line one' }], [{ tag: 'text', text: 'Line two' }]],
            },
          },
        },
      },
      {
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: { title: { tag: 'plain_text', content: 'RSVP' } },
          elements: [
            { tag: 'div', text: { tag: 'plain_text', content: 'Coming on Friday?' } },
            {
              tag: 'action',
              actions: [
                {
                  tag: 'button',
                  text: { tag: 'plain_text', content: 'Yes' },
                  type: 'primary',
                  value: { kith_value: 'yes' },
                },
                {
                  tag: 'button',
                  text: { tag: 'plain_text', content: 'Details' },
                  type: 'default',
                  url: 'https://example.org/more',
                },
              ],
            },
          ],
        },
      },
    ]);
  });

  it('surfaces "frequency limited" (11232) past 5 requests a second as rate-limited', async () => {
    const { fake, ctx } = await setup();
    for (let i = 0; i < 5; i++) await channel.send(ctx, message({ text: `m${i}` }));
    await expect(channel.send(ctx, message({ text: 'one too many' }))).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 60_000,
      code: '11232',
    });
    expect(fake.messages).toHaveLength(5);
  });

  it('reads 9499 by its message: "too many request" is a rate limit, "Bad Request" is permanent', () => {
    expect(errorFromCode({ code: 9499, msg: 'too many request' }, null, 400)).toMatchObject({
      kind: 'rate-limited',
    });
    expect(errorFromCode({ code: 9499, msg: 'Bad Request' }, null, 400)).toMatchObject({ kind: 'permanent' });
    expect(errorFromCode({ code: 11232, msg: 'frequency limited' }, 3000, 200)).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 3000,
    });
  });

  it('maps sign mismatch (19021), a stale clock, a missing keyword (19024) and an unknown hook (19001) to auth', async () => {
    const wrong = await setup({}, { secret: 'not-the-secret' });
    await expect(channel.send(wrong.ctx, message())).rejects.toMatchObject({ kind: 'auth', code: '19021' });
    await wrong.fake.close();

    const skewed = await setup({}, {}, () => Date.now() - 2 * 3600_000);
    await expect(channel.send(skewed.ctx, message())).rejects.toMatchObject({ kind: 'auth', code: '19021' });
    await skewed.fake.close();

    const keyword = await setup({ keywords: ['Kith'] });
    await expect(channel.send(keyword.ctx, message())).rejects.toMatchObject({ kind: 'auth', code: '19024' });
    await channel.send(keyword.ctx, message({ text: 'Kith says hi' }));
    await keyword.fake.close();

    const hook = await setup({}, { hookToken: 'no-such-hook' });
    await expect(channel.send(hook.ctx, message())).rejects.toMatchObject({ kind: 'auth', code: '19001' });
  });

  it('sends unsigned when the bot has no secret, and refuses members and other groups locally', async () => {
    const { fake, ctx } = await setup({ secret: null });
    await channel.send(ctx, message());
    expect(fake.messages).toHaveLength(1);
    await expect(
      channel.send(ctx, message({ to: { kind: 'member', member: 'ann', address: 'ou_ann' } })),
    ).rejects.toMatchObject({ kind: 'permanent' });
    await expect(
      channel.send(ctx, message({ to: { kind: 'group', group: 'oc_other', pool: null } })),
    ).rejects.toMatchObject({ kind: 'permanent' });
    expect(fake.messages).toHaveLength(1);
  });

  it('counts an unreachable Feishu as transient', async () => {
    const { fake, ctx } = await setup();
    await fake.close();
    await expect(channel.send(ctx, message())).rejects.toMatchObject({ kind: 'transient' });
  });
});

describe('Feishu event subscription callbacks', () => {
  it('answers the URL check with its challenge, encrypted or plain', async () => {
    const { fake, ctx } = await setup();
    const check = fake.urlVerification('ch-123', { unsigned: true });
    expect(await webhook.verify(ctx, check)).toEqual({ ok: true });
    const parsed = await webhook.parse(ctx, check);
    expect(parsed.events).toEqual([]);
    expect(JSON.parse(parsed.reply?.body ?? '')).toEqual({ challenge: 'ch-123' });

    const plain = await setup({ encryptKey: null });
    const plainCheck = plain.fake.urlVerification('ch-456');
    expect(await webhook.verify(plain.ctx, plainCheck)).toEqual({ ok: true });
    expect((await webhook.parse(plain.ctx, plainCheck)).reply?.body).toBe('{"challenge":"ch-456"}');
    expect(
      await webhook.verify(plain.ctx, plain.fake.urlVerification('x', { token: 'guess' })),
    ).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    await plain.fake.close();
  });

  it('normalises a message, several members joining at once, and a member leaving', async () => {
    const { fake, ctx } = await setup();
    const msg = textEvent(fake, 'ou_ann', '@_user_1 Due in May!', { eventId: 'evt-msg' });
    expect(await webhook.verify(ctx, msg)).toEqual({ ok: true });
    expect((await webhook.parse(ctx, msg)).events).toEqual([
      {
        id: 'feishu:evt-msg',
        type: 'message.received',
        at: 1_700_000_000_123,
        address: 'ou_ann',
        group: GROUP,
        data: {
          text: 'Due in May!',
          messageId: 'om_1',
          messageType: 'text',
          openId: 'ou_ann',
          unionId: 'on_ou_ann',
          userId: null,
        },
      },
    ]);

    const added = fake.event(
      'im.chat.member.user.added_v1',
      {
        chat_id: GROUP,
        operator_id: { open_id: 'ou_owner' },
        users: [
          { name: 'Bob', user_id: { open_id: 'ou_bob' } },
          { name: 'Cat', user_id: { open_id: 'ou_cat' } },
        ],
      },
      { eventId: 'evt-add' },
    );
    expect(await webhook.verify(ctx, added)).toEqual({ ok: true });
    const joins = (await webhook.parse(ctx, added)).events;
    expect(joins.map((e) => [e.id, e.type, e.address, e.name, e.group])).toEqual([
      ['feishu:evt-add:ou_bob', 'member.joined', 'ou_bob', 'Bob', GROUP],
      ['feishu:evt-add:ou_cat', 'member.joined', 'ou_cat', 'Cat', GROUP],
    ]);
    expect(joins[0]?.data).toMatchObject({ invite: null, operator: 'ou_owner' });

    const left = fake.event('im.chat.member.user.deleted_v1', {
      chat_id: GROUP,
      users: [{ name: 'Bob', user_id: { open_id: 'ou_bob' } }],
    });
    expect(await webhook.verify(ctx, left)).toEqual({ ok: true });
    expect((await webhook.parse(ctx, left)).events).toMatchObject([
      { type: 'member.left', address: 'ou_bob' },
    ]);

    const other = fake.event('im.chat.updated_v1', { chat_id: GROUP });
    expect(await webhook.verify(ctx, other)).toEqual({ ok: true });
    expect((await webhook.parse(ctx, other)).events).toEqual([]);
  });

  it('rejects a bad signature, a stale timestamp, a wrong key or token and a replay, recording nothing for them', async () => {
    const { fake, ctx, kv } = await setup();
    const good = textEvent(fake, 'ou_ann', 'hi', { eventId: 'evt-1' });
    const tampered = { ...good, body: new TextEncoder().encode(`${new TextDecoder().decode(good.body)} `) };
    expect(await webhook.verify(ctx, tampered)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const stale = textEvent(fake, 'ou_ann', 'hi', { timestamp: Math.floor(Date.now() / 1000) - 3605 });
    expect(await webhook.verify(ctx, stale)).toMatchObject({ ok: false, reason: 'stale' });
    const wrongKey = textEvent(fake, 'ou_ann', 'hi', { encryptKey: 'a-guess' });
    expect(await webhook.verify(ctx, wrongKey)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const wrongKeyUnsigned = { ...wrongKey, headers: { 'content-type': 'application/json' } };
    expect(await webhook.verify(ctx, wrongKeyUnsigned)).toMatchObject({
      ok: false,
      reason: 'missing-signature',
    });
    const wrongToken = textEvent(fake, 'ou_ann', 'hi', { token: 'a-guess' });
    expect(await webhook.verify(ctx, wrongToken)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const unsigned = { ...good, headers: { 'content-type': 'application/json' } };
    expect(await webhook.verify(ctx, unsigned)).toMatchObject({ ok: false, reason: 'missing-signature' });
    expect(kv.size()).toBe(0);

    expect(await webhook.verify(ctx, good)).toEqual({ ok: true });
    expect(await webhook.verify(ctx, good)).toMatchObject({ ok: false, reason: 'replayed' });
    expect(kv.size()).toBe(1);
  });

  it('gives Feishu’s retry of an event (a new request, the same event_id) the same event id', async () => {
    const { fake, ctx } = await setup();
    const first = textEvent(fake, 'ou_ann', 'hi', { eventId: 'evt-retry' });
    const retry = textEvent(fake, 'ou_ann', 'hi', { eventId: 'evt-retry' });
    expect(await webhook.verify(ctx, first)).toEqual({ ok: true });
    expect(await webhook.verify(ctx, retry)).toEqual({ ok: true });
    const ids = [
      ...(await webhook.parse(ctx, first)).events,
      ...(await webhook.parse(ctx, retry)).events,
    ].map((e) => e.id);
    expect(ids).toEqual(['feishu:evt-retry', 'feishu:evt-retry']);
  });

  it('refuses every callback while no Verification Token is configured', async () => {
    const { fake, ctx } = await setup({}, { verificationToken: undefined });
    expect(await webhook.verify(ctx, textEvent(fake, 'ou_ann', 'hi'))).toMatchObject({
      ok: false,
      reason: 'missing-signature',
    });
  });
});

const PLAYBOOK = `
kith: 1
id: feishu-demo
name: Feishu demo
timezone: Asia/Shanghai
secrets:
  FS_HOOK: { description: Custom bot hook token }
  FS_SECRET: { description: Custom bot signing secret }
  FS_TOKEN: { description: Event subscription verification token }
  FS_KEY: { description: Event subscription encrypt key }
channels:
  lark:
    use: feishu@^1
    with:
      baseUrl: BASE_URL
      hookToken: "\${secrets.FS_HOOK}"
      secret: "\${secrets.FS_SECRET}"
      verificationToken: "\${secrets.FS_TOKEN}"
      encryptKey: "\${secrets.FS_KEY}"
      chatId: ${GROUP}
groups:
  team: { via: lark, capacity: 500, groups: [${GROUP}] }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: g, group: { assign: team } }
          - { id: hi, send: { via: lark, to: group, text: "Welcome {{ member.id }}" } }
`;

describe('Feishu under a playbook (engine runtime, virtual clock)', () => {
  it('paces 12 welcomes to 5 requests a second so the bot is never limited, and ingests a join once', async () => {
    let now = () => 0;
    fake = await startFakeFeishu({ now: () => now() });
    const run = await runPluginUnderPlaybook({
      playbook: PLAYBOOK.replace('BASE_URL', fake.url),
      plugins: [feishuChannel],
      secrets: {
        FS_HOOK: fake.hookToken,
        FS_SECRET: fake.secret!,
        FS_TOKEN: fake.verificationToken,
        FS_KEY: fake.encryptKey!,
      },
    });
    now = () => run.clock.now();
    for (let i = 1; i <= 12; i++) await run.event('member.joined', `m${i}`);
    await run.wait('1m');
    expect(fake.messages).toHaveLength(12);
    expect(fake.refusals).toEqual([]);
    const times = fake.messages.map((m) => m.at);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(5);

    const joined = fake.event(
      'im.chat.member.user.added_v1',
      { chat_id: GROUP, users: [{ name: 'Dee', user_id: { open_id: 'ou_dee' } }] },
      { eventId: 'evt-join' },
    );
    expect(await run.webhook('lark', joined)).toMatchObject({
      status: 'accepted',
      events: [{ id: 'lark:feishu:evt-join:ou_dee', type: 'member.joined', member: 'ou_dee' }],
    });
    expect(await run.webhook('lark', joined)).toMatchObject({ status: 'rejected', reason: 'replayed' });
  });
});
