import { createTestContext } from '@kith/sdk/testing';
import { describe, expect, it } from 'vitest';
import { sandboxChannel } from './plugin.js';
import { createSandbox } from './provider/sandbox.js';

const channel = sandboxChannel.capabilities.channel!;
const text = (
  to:
    | { kind: 'member'; member: string; address: string | null }
    | { kind: 'group'; group: string; pool: null },
  t: string,
) => ({
  to,
  text: t,
  subject: null,
  html: null,
  image: null,
  buttons: [],
});

function setup(options: Parameters<typeof createSandbox>[0] = {}) {
  const sandbox = createSandbox(options);
  const ctx = createTestContext(sandboxChannel, sandbox.config, { fetch: sandbox.fetch });
  return { sandbox, ctx };
}

describe('sandbox provider', () => {
  it('keeps an inbox queryable by member and by group', async () => {
    const { sandbox, ctx } = setup();
    sandbox.createGroup('g1');
    await channel.send(ctx, text({ kind: 'member', member: 'ann', address: null }, 'to ann'));
    await channel.send(ctx, text({ kind: 'member', member: 'bob', address: 'bob' }, 'to bob'));
    await channel.send(ctx, text({ kind: 'group', group: 'g1', pool: null }, 'to g1'));
    expect(sandbox.inbox({ member: 'ann' }).map((m) => m.text)).toEqual(['to ann']);
    expect(sandbox.inbox({ group: 'g1' }).map((m) => m.text)).toEqual(['to g1']);
    expect(sandbox.inbox()).toHaveLength(3);
  });

  it('refuses a send to a group that does not exist (permanent)', async () => {
    const { ctx } = setup();
    await expect(
      channel.send(ctx, text({ kind: 'group', group: 'nope', pool: null }, 'x')),
    ).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('creates groups with a capacity; adding past it is permanent; members can be removed and muted', async () => {
    const { sandbox, ctx } = setup();
    await channel.createGroup!(ctx, { group: 'g', name: 'Mums', members: [{ member: 'a', address: null }] });
    sandbox.group('g')!.capacity = 2;
    await channel.addMember!(ctx, { group: 'g', member: 'b', address: null });
    await expect(channel.addMember!(ctx, { group: 'g', member: 'c', address: null })).rejects.toMatchObject({
      kind: 'permanent',
    });
    await channel.removeMember!(ctx, { group: 'g', member: 'a', address: null });
    await channel.muteMember!(ctx, { group: 'g', member: 'b', address: null, untilMs: 5000 });
    expect(sandbox.group('g')).toMatchObject({ name: 'Mums', members: ['b'], muted: { b: 5000 } });
  });

  it('lets simulated members join through invites (full groups refuse them) and reports the attribution', async () => {
    const { sandbox, ctx } = setup();
    sandbox.createGroup('g', { capacity: 1 });
    const invite = await channel.createInvite(ctx, {
      member: 'ann',
      group: 'g',
      attribution: { referrer: 'ann' },
    });
    expect(sandbox.invite(invite.code)).toMatchObject({ group: 'g', attribution: { referrer: 'ann' } });
    const joined = await sandbox.member('bob').join({ invite: invite.code });
    expect(sandbox.group('g')?.members).toEqual(['bob']);
    const events = (await channel.webhook!.parse(ctx, joined!)).events;
    expect(events[0]).toMatchObject({
      type: 'member.joined',
      address: 'bob',
      group: 'g',
      data: { invite: invite.code, attribution: { referrer: 'ann' } },
    });
    expect(await sandbox.member('cat').join({ invite: invite.code })).toBeNull();
  });

  it('forwards member activity to onInbound (how the demo wires it to the server)', async () => {
    const seen: string[] = [];
    const sandbox = createSandbox({ onInbound: (r) => void seen.push(Buffer.from(r.body).toString()) });
    await sandbox.member('ann').click('yes', { messageId: 'msg-1' });
    expect(JSON.parse(seen[0]!)).toMatchObject({
      type: 'button.clicked',
      address: 'ann',
      value: 'yes',
      messageId: 'msg-1',
    });
  });

  it('injects failures: every Nth call, and its own rate limit with Retry-After', async () => {
    const flaky = setup({ failEvery: 2 });
    await channel.send(flaky.ctx, text({ kind: 'member', member: 'a', address: null }, '1'));
    await expect(
      channel.send(flaky.ctx, text({ kind: 'member', member: 'a', address: null }, '2')),
    ).rejects.toMatchObject({ kind: 'transient' });

    let now = 0;
    const limited = setup({ rateLimit: { max: 2, perMs: 60_000 }, clock: { now: () => now } });
    const to = { kind: 'member' as const, member: 'a', address: null };
    await channel.send(limited.ctx, text(to, '1'));
    now = 10_000;
    await channel.send(limited.ctx, text(to, '2'));
    await expect(channel.send(limited.ctx, text(to, '3'))).rejects.toMatchObject({
      kind: 'rate-limited',
      retryAfterMs: 50_000,
    });
    now = 60_000;
    await channel.send(limited.ctx, text(to, '3'));
  });

  it('refuses a wrong token as an auth problem', async () => {
    const sandbox = createSandbox({ token: 'right' });
    const ctx = createTestContext(
      sandboxChannel,
      { ...sandbox.config, token: 'wrong' },
      { fetch: sandbox.fetch },
    );
    await expect(
      channel.send(ctx, text({ kind: 'member', member: 'a', address: null }, 'x')),
    ).rejects.toMatchObject({ kind: 'auth' });
  });
});
