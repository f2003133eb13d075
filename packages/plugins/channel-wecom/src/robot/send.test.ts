import { type KvStore, type LogEntry, memoryKv, type OutboundMessage, type PluginError } from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GROUP, type FakeWeCom, fakeWeCom } from '../fake/index.js';
import { wecomChannel } from '../plugin.js';

const channel = wecomChannel.capabilities.channel!;
let fake: FakeWeCom;
let logs: LogEntry[];
let kv: KvStore;
beforeEach(async () => {
  fake = await fakeWeCom();
  logs = [];
  kv = memoryKv();
});
afterEach(() => fake.close?.());

const ctx = (extra: Record<string, unknown> = {}, key: string | null = null) =>
  createTestContext(wecomChannel, { ...fake.config, ...extra }, { idempotencyKey: key, logs, kv });
const group = (g = FAKE_GROUP): OutboundMessage['to'] => ({ kind: 'group', group: g, pool: 'mums' });
const msg = (text: string, more: Partial<OutboundMessage> = {}): OutboundMessage => ({
  to: group(),
  text,
  subject: null,
  html: null,
  image: null,
  buttons: [],
  ...more,
});

async function failure(p: Promise<unknown>): Promise<PluginError> {
  try {
    await p;
  } catch (e) {
    return e as PluginError;
  }
  throw new Error('expected a failure');
}

describe('wecom group robot sends', () => {
  it('posts text to /cgi-bin/webhook/send?key=…', async () => {
    await channel.send(ctx({}, 'k1'), msg('早上好'));
    expect(fake.server.robotMessages).toEqual([
      {
        key: fake.server.robotKeys[0],
        at: expect.any(Number),
        body: { msgtype: 'text', text: { content: '早上好' } },
      },
    ]);
  });

  it('renders link buttons as markdown links and leaves value buttons out, with a warning', async () => {
    await channel.send(
      ctx(),
      msg('周三 20:00 睡眠答疑', {
        buttons: [
          { text: '报名 [免费]', value: null, url: 'https://example.org/a(1)' },
          { text: 'Yes', value: 'yes', url: null },
        ],
      }),
    );
    expect(fake.server.robotMessages[0]?.body).toEqual({
      msgtype: 'markdown',
      markdown: { content: '周三 20:00 睡眠答疑\n\n[报名 ［免费］](https://example.org/a%281%29)' },
    });
    expect(logs.find((l) => l.level === 'warn')?.fields).toMatchObject({ buttons: ['Yes'] });
  });

  it('sends an image as a news card: first line the title, the rest the description, opening the first link', async () => {
    await channel.send(
      ctx(),
      msg('新品到店\n限时 8 折', {
        image: 'https://example.org/p.jpg',
        buttons: [{ text: '看看', value: null, url: 'https://example.org/shop' }],
      }),
    );
    expect(fake.server.robotMessages[0]?.body).toEqual({
      msgtype: 'news',
      news: {
        articles: [
          {
            title: '新品到店',
            description: '限时 8 折',
            url: 'https://example.org/shop',
            picurl: 'https://example.org/p.jpg',
          },
        ],
      },
    });
  });

  it('refuses, before calling WeCom, what the robot cannot do: another group, a member, over 2048 bytes', async () => {
    expect((await failure(channel.send(ctx(), { ...msg('hi'), to: group('wr-other') }))).kind).toBe(
      'permanent',
    );
    const toMember: OutboundMessage['to'] = { kind: 'member', member: 'ann', address: 'wmAnn' };
    expect((await failure(channel.send(ctx(), { ...msg('hi'), to: toMember }))).kind).toBe('permanent');
    expect((await failure(channel.send(ctx(), msg('好'.repeat(683))))).kind).toBe('permanent');
    expect(fake.server.robotAnswers).toEqual([]);
    await channel.send(ctx({ group: undefined }), { ...msg('any group'), to: group('wr-other') });
    expect(fake.server.robotMessages).toHaveLength(1);
  });

  it('posts once per idempotency key', async () => {
    const first = await channel.send(ctx({}, 'tenant:ann:welcome:hi:0'), msg('hi'));
    expect(await channel.send(ctx({}, 'tenant:ann:welcome:hi:0'), msg('hi'))).toEqual(first);
    expect(fake.server.robotMessages).toHaveLength(1);
  });

  it('maps errcodes: 45009 waits a full minute, 93000 is auth, -1 transient; a proxy 429 waits its Retry-After', async () => {
    fake.server.failNext({ kind: 'frequency-limit' });
    expect(await failure(channel.send(ctx(), msg('a')))).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 60_000,
      code: '45009',
    });
    fake.server.failNext({ kind: 'auth' });
    expect(await failure(channel.send(ctx(), msg('a')))).toMatchObject({ kind: 'auth', code: '93000' });
    fake.server.failNext({ kind: 'server-error' });
    expect(await failure(channel.send(ctx(), msg('a')))).toMatchObject({ kind: 'transient', code: '-1' });
    expect(await failure(channel.send(ctx({ robotKey: 'not-a-robot' }), msg('a')))).toMatchObject({
      kind: 'auth',
    });
    fake.server.failNext({ kind: 'rate-limited', retryAfterMs: 9000 });
    expect(await failure(channel.send(ctx(), msg('a')))).toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 9000,
      status: 429,
    });
  });

  it('is answered 45009 by the fake robot on the 21st message in a minute', async () => {
    for (let i = 0; i < 20; i++) await channel.send(ctx(), msg(`m${i}`));
    expect(await failure(channel.send(ctx(), msg('m20')))).toMatchObject({
      kind: 'rate-limited',
      code: '45009',
    });
  });

  it('counts an unreachable WeCom as transient and never puts the robot key in the error', async () => {
    const url = fake.server.url;
    await fake.close?.();
    const e = await failure(
      channel.send(createTestContext(wecomChannel, { ...fake.config, baseUrl: url }), msg('a')),
    );
    expect(e.kind).toBe('transient');
    expect(e.message).not.toContain(String(fake.config.robotKey));
    fake = await fakeWeCom();
  });
});
