import { type KvStore, memoryKv, type PluginError } from '@kith/sdk';
import { createTestContext } from '@kith/sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_INVITE_USER, type FakeWeCom, fakeWeCom } from './fake/index.js';
import { wecomChannel } from './plugin.js';

const channel = wecomChannel.capabilities.channel!;
let fake: FakeWeCom;
let kv: KvStore;
beforeEach(async () => {
  fake = await fakeWeCom();
  kv = memoryKv();
});
afterEach(() => fake.close?.());

const ctx = (extra: Record<string, unknown> = {}) =>
  createTestContext(wecomChannel, { ...fake.config, ...extra }, { kv });
const request = (referrer: string) => ({ member: referrer, group: null, attribution: { referrer } });

async function failure(p: Promise<unknown>): Promise<PluginError> {
  try {
    await p;
  } catch (e) {
    return e as PluginError;
  }
  throw new Error('expected a failure');
}

describe('wecom invite QR codes (「联系我」 with the code as state)', () => {
  it('creates a contact way per invite with the code as state, reusing one access token', async () => {
    const a = await channel.createInvite(ctx(), request('ann'));
    const b = await channel.createInvite(ctx(), request('bo'));
    expect(a.code).toMatch(/^kith-[A-Za-z0-9_-]{16}$/);
    expect(fake.server.contactWays.map((w) => [w.state, w.user, w.qr_code])).toEqual([
      [a.code, [FAKE_INVITE_USER], a.url],
      [b.code, [FAKE_INVITE_USER], b.url],
    ]);
    expect(fake.server.tokens).toHaveLength(1);
  });

  it('fetches a new access token once when WeCom says the cached one expired', async () => {
    await channel.createInvite(ctx(), request('ann'));
    fake.server.expireTokens();
    await channel.createInvite(ctx(), request('bo'));
    expect(fake.server.tokens).toHaveLength(2);
    expect(fake.server.contactWays).toHaveLength(2);
  });

  it('reports the code and its attribution when someone adds the staff member through it', async () => {
    const invite = await channel.createInvite(ctx(), {
      member: 'ann',
      group: null,
      attribution: { referrer: 'ann', campaign: 'poster' },
    });
    const { request: req } = fake.callbacks.contactAdded(FAKE_INVITE_USER, 'wmNew001', invite.code);
    expect(await channel.webhook!.verify(ctx(), req)).toEqual({ ok: true });
    const { events } = await channel.webhook!.parse(ctx(), req);
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^contact:add:zhangsan:wmNew001:\d+$/),
        type: 'member.joined',
        at: expect.any(Number),
        address: 'wmNew001',
        group: null,
        data: {
          invite: invite.code,
          attribution: { referrer: 'ann', campaign: 'poster' },
          staff: FAKE_INVITE_USER,
        },
      },
    ]);
  });

  it('needs inviteUser and a valid secret: permanent without them, auth when WeCom refuses the secret', async () => {
    expect((await failure(channel.createInvite(ctx({ inviteUser: undefined }), request('ann')))).kind).toBe(
      'permanent',
    );
    expect((await failure(channel.createInvite(ctx({ secret: undefined }), request('ann')))).kind).toBe(
      'permanent',
    );
    expect(
      await failure(channel.createInvite(ctx({ secret: 'wrong-secret' }), request('ann'))),
    ).toMatchObject({
      kind: 'auth',
      code: '40001',
    });
  });
});
