import { memoryKv, type OutboundMessage } from '@kith/sdk';
import { createTestContext, runPluginUnderPlaybook } from '@kith/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sendUrl } from './client.js';
import { normaliseRobotMessage } from './fake/normalise.js';
import { type FakeDingTalk, type FakeDingTalkOptions, startFakeDingTalk } from './fake/server.js';
import { dingtalkChannel } from './plugin.js';
import { dingtalkSign } from './signing.js';

const channel = dingtalkChannel.capabilities.channel!;
const webhook = channel.webhook!;
const GROUP = 'cid-fake-group';

const message = (o: Partial<OutboundMessage> = {}): OutboundMessage => ({
  to: { kind: 'group', group: GROUP, pool: null },
  text: 'Morning, all',
  subject: null,
  html: null,
  image: null,
  buttons: [],
  ...o,
});

let fake: FakeDingTalk | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(
  options: FakeDingTalkOptions = {},
  config: Record<string, unknown> = {},
  now?: () => number,
) {
  fake = await startFakeDingTalk(options);
  const kv = memoryKv();
  const ctx = createTestContext(
    dingtalkChannel,
    {
      baseUrl: fake.url,
      accessToken: fake.accessToken,
      ...(fake.secret === null ? {} : { secret: fake.secret }),
      appSecret: fake.appSecret,
      chatId: GROUP,
      ...config,
    },
    { kv, clock: now === undefined ? undefined : { now } },
  );
  return { fake, ctx, kv };
}

describe('DingTalk signing', () => {
  it('matches DingTalk’s documented algorithm: base64(HMAC-SHA256(secret, `${ms}\\n${secret}`))', () => {
    // Computed with the Python snippet from DingTalk’s custom-robot documentation.
    expect(dingtalkSign('SECexample-secret', 1_700_000_000_000)).toBe(
      '0fkiC8KrRP8cNrqFxRls0ApmSoNm4LsTBQWMcJ9T5e0=',
    );
    // Feishu's scheme (seconds, `${ts}\n${secret}` as the key over an empty message) gives another value.
    expect(dingtalkSign('SECexample-secret', 1_700_000_000)).not.toBe(
      'IAMoxxTFItX+Feuz+sleCy0wU0HdTg/vT6w/tN05gzw=',
    );
  });

  it('puts the millisecond timestamp and the url-encoded sign in the query, and nothing without a secret', () => {
    const base = { baseUrl: 'https://oapi.dingtalk.com', accessToken: 'tok', timeoutMs: 1000 };
    const url = new URL(sendUrl({ ...base, secret: 'SECexample-secret' }, 1_700_000_000_000));
    expect(url.pathname).toBe('/robot/send');
    expect(url.searchParams.get('access_token')).toBe('tok');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe('0fkiC8KrRP8cNrqFxRls0ApmSoNm4LsTBQWMcJ9T5e0=');
    expect(url.search).toContain('sign=0fkiC8KrRP8cNrqFxRls0ApmSoNm4LsTBQWMcJ9T5e0%3D');
    expect(new URL(sendUrl(base, 1)).searchParams.has('sign')).toBe(false);
  });
});

describe('DingTalk robot sends (local fake)', () => {
  it('sends text, markdown with a subject and image, an actionCard for link buttons, and markdown links for value buttons', async () => {
    const { fake, ctx } = await setup();
    await channel.send(ctx, message());
    await channel.send(
      ctx,
      message({ text: 'Line one\nLine two', subject: 'News', image: 'https://x.test/a.png' }),
    );
    const links = [
      { text: 'Programme', value: null, url: 'https://example.org/programme' },
      { text: 'Map', value: null, url: 'https://example.org/map' },
    ];
    await channel.send(ctx, message({ text: 'Friday’s meetup', buttons: links }));
    await channel.send(
      ctx,
      message({
        text: 'Coming on Friday?',
        buttons: [
          { text: 'Yes', value: 'yes', url: null },
          { text: 'Details', value: null, url: 'https://example.org/more' },
        ],
      }),
    );
    expect(fake.messages.map((m) => m.body)).toEqual([
      { msgtype: 'text', text: { content: 'Morning, all' } },
      {
        msgtype: 'markdown',
        markdown: { title: 'News', text: '### News\n\nLine one  \nLine two\n\n![](https://x.test/a.png)' },
      },
      {
        msgtype: 'actionCard',
        actionCard: {
          title: 'Friday’s meetup',
          text: 'Friday’s meetup',
          btnOrientation: '0',
          btns: [
            { title: 'Programme', actionURL: 'https://example.org/programme' },
            { title: 'Map', actionURL: 'https://example.org/map' },
          ],
        },
      },
      {
        msgtype: 'markdown',
        markdown: {
          title: 'Coming on Friday?',
          text: 'Coming on Friday?\n\n[Yes](dtmd://dingtalkclient/sendMessage?content=yes)  \n[Details](https://example.org/more)',
        },
      },
    ]);
    expect(fake.messages.map((m) => normaliseRobotMessage(m, GROUP).buttons.length)).toEqual([0, 0, 2, 2]);
  });

  it('surfaces the robot’s throttle (errcode 130101 past 20 a minute) as rate-limited for the documented 10 minutes', async () => {
    const { fake, ctx } = await setup();
    for (let i = 0; i < 20; i++) await channel.send(ctx, message({ text: `m${i}` }));
    await expect(channel.send(ctx, message({ text: 'one too many' }))).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 600_000,
      code: '130101',
    });
    expect(fake.messages).toHaveLength(20);
  });

  it('maps the robot’s security refusals (310000) and an unknown token to auth', async () => {
    const wrongSecret = await setup({}, { secret: 'SECnot-the-secret' });
    await expect(channel.send(wrongSecret.ctx, message())).rejects.toMatchObject({
      kind: 'auth',
      code: '310000',
    });
    expect(wrongSecret.fake.refusals.at(-1)?.errmsg).toBe('sign not match');
    await wrongSecret.fake.close();

    const skewed = await setup({}, {}, () => Date.now() - 2 * 3600_000);
    await expect(channel.send(skewed.ctx, message())).rejects.toMatchObject({ kind: 'auth' });
    expect(skewed.fake.refusals.at(-1)?.errmsg).toBe('invalid timestamp');
    await skewed.fake.close();

    const keyword = await setup({ keywords: ['Kith'] });
    await expect(channel.send(keyword.ctx, message())).rejects.toMatchObject({ kind: 'auth' });
    await channel.send(keyword.ctx, message({ text: 'Kith says hi' }));
    await keyword.fake.close();

    const token = await setup({}, { accessToken: 'no-such-token' });
    await expect(channel.send(token.ctx, message())).rejects.toMatchObject({ kind: 'auth', code: '300001' });
  });

  it('refuses what a custom robot cannot do (a member, another group) without calling DingTalk', async () => {
    const { fake, ctx } = await setup();
    await expect(
      channel.send(ctx, message({ to: { kind: 'member', member: 'ann', address: 'staff-ann' } })),
    ).rejects.toMatchObject({ kind: 'permanent' });
    await expect(
      channel.send(ctx, message({ to: { kind: 'group', group: 'cid-other', pool: null } })),
    ).rejects.toMatchObject({ kind: 'permanent' });
    expect(fake.messages).toHaveLength(0);
    expect(fake.refusals).toHaveLength(0);
  });

  it('counts an unreachable DingTalk as transient', async () => {
    const { fake, ctx } = await setup();
    await fake.close();
    await expect(channel.send(ctx, message())).rejects.toMatchObject({ kind: 'transient' });
  });
});

describe('DingTalk outgoing-robot callbacks', () => {
  it('normalises a verified @-message into message.received with the sender’s ids', async () => {
    const { fake, ctx } = await setup();
    const request = fake.outgoing({
      msgId: 'msgA1',
      senderStaffId: 'user123',
      senderId: '$:LWCP_v1:$abc',
      senderCorpId: 'dingcorp',
      senderNick: 'Ann',
      text: { content: ' Due in May!' },
    });
    expect(await webhook.verify(ctx, request)).toEqual({ ok: true });
    const { events } = await webhook.parse(ctx, request);
    expect(events).toEqual([
      {
        id: 'dingtalk:msgA1',
        type: 'message.received',
        at: expect.any(Number),
        address: 'user123',
        name: 'Ann',
        group: GROUP,
        data: {
          text: 'Due in May!',
          messageId: 'msgA1',
          msgtype: 'text',
          senderId: '$:LWCP_v1:$abc',
          senderStaffId: 'user123',
          senderCorpId: 'dingcorp',
        },
      },
    ]);
  });

  it('rejects a bad signature, a stale timestamp and a replayed request, and records nothing for them', async () => {
    const { fake, ctx, kv } = await setup();
    const forged = fake.outgoing({ msgId: 'm1' }, { appSecret: 'guess' });
    expect(await webhook.verify(ctx, forged)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const stale = fake.outgoing({ msgId: 'm2' }, { timestamp: Date.now() - 3600_000 - 5000 });
    expect(await webhook.verify(ctx, stale)).toMatchObject({ ok: false, reason: 'stale' });
    const future = fake.outgoing({ msgId: 'm3' }, { timestamp: Date.now() + 3600_000 + 5000 });
    expect(await webhook.verify(ctx, future)).toMatchObject({ ok: false, reason: 'stale' });
    expect(kv.size()).toBe(0);

    const genuine = fake.outgoing({ msgId: 'm4' });
    expect(await webhook.verify(ctx, genuine)).toEqual({ ok: true });
    expect(kv.size()).toBe(1);
    expect(await webhook.verify(ctx, genuine)).toMatchObject({ ok: false, reason: 'replayed' });
    expect(kv.size()).toBe(1);
  });

  it('gives a redelivery of the same message (signed anew) the same event id', async () => {
    const { fake, ctx } = await setup();
    const first = fake.outgoing(
      { msgId: 'msgSame', text: { content: 'hi' } },
      { timestamp: Date.now() - 1000 },
    );
    const again = fake.outgoing({ msgId: 'msgSame', text: { content: 'hi' } });
    expect(await webhook.verify(ctx, first)).toEqual({ ok: true });
    expect(await webhook.verify(ctx, again)).toEqual({ ok: true });
    const ids = [
      ...(await webhook.parse(ctx, first)).events,
      ...(await webhook.parse(ctx, again)).events,
    ].map((e) => e.id);
    expect(ids).toEqual(['dingtalk:msgSame', 'dingtalk:msgSame']);
  });

  it('refuses every callback while no AppSecret is configured', async () => {
    const { fake, ctx } = await setup({}, { appSecret: undefined });
    expect(await webhook.verify(ctx, fake.outgoing({}))).toMatchObject({
      ok: false,
      reason: 'missing-signature',
    });
  });
});

const PLAYBOOK = `
kith: 1
id: dingtalk-demo
name: DingTalk demo
timezone: Asia/Shanghai
secrets:
  DT_TOKEN: { description: Robot access token }
  DT_SECRET: { description: Robot signing secret }
  DT_APP_SECRET: { description: Outgoing robot AppSecret }
channels:
  ding:
    use: dingtalk@^1
    with:
      baseUrl: "\${secrets.DT_BASE}"
      accessToken: "\${secrets.DT_TOKEN}"
      secret: "\${secrets.DT_SECRET}"
      appSecret: "\${secrets.DT_APP_SECRET}"
      chatId: ${GROUP}
groups:
  team: { via: ding, capacity: 500, groups: [${GROUP}] }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: g, group: { assign: team } }
          - { id: hi, send: { via: ding, to: group, text: "Welcome {{ member.id }}" } }
`;

describe('DingTalk under a playbook (engine runtime, virtual clock)', () => {
  it('paces 30 welcomes to 20 a minute so the robot is never throttled, and ingests a callback once', async () => {
    let now = () => 0;
    fake = await startFakeDingTalk({ now: () => now() });
    const run = await runPluginUnderPlaybook({
      playbook: PLAYBOOK.replace('"${secrets.DT_BASE}"', fake.url),
      plugins: [dingtalkChannel],
      secrets: { DT_TOKEN: fake.accessToken, DT_SECRET: fake.secret!, DT_APP_SECRET: fake.appSecret },
    });
    now = () => run.clock.now();
    const t0 = run.clock.now();
    for (let i = 1; i <= 30; i++) await run.event('member.joined', `m${i}`);
    await run.wait('5m');
    expect(fake.messages).toHaveLength(30);
    expect(fake.refusals).toEqual([]);
    const times = fake.messages.map((m) => m.at - t0);
    for (const t of times)
      expect(times.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(20);

    const reply = fake.outgoing({ msgId: 'msgRun1', senderStaffId: 'm1', text: { content: ' hello' } });
    const first = await run.webhook('ding', reply);
    expect(first).toMatchObject({
      status: 'accepted',
      events: [{ id: 'ding:dingtalk:msgRun1', type: 'message.received', member: 'm1' }],
    });
    expect(await run.webhook('ding', reply)).toMatchObject({ status: 'rejected', reason: 'replayed' });
  });
});
