import { type PlaybookRun, runPluginUnderPlaybook } from '@kith/sdk/testing';
import { describe, expect, it } from 'vitest';
import { sandboxChannel } from './plugin.js';
import { createSandbox, type Sandbox, type SandboxOptions } from './provider/sandbox.js';

const PLAYBOOK = `
kith: 1
id: demo
name: Demo
timezone: Asia/Shanghai
secrets:
  SANDBOX_TOKEN: { description: Sandbox API token }
channels:
  chat: { use: sandbox@^1, with: { token: "\${secrets.SANDBOX_TOKEN}" }, rateLimit: { max: 10, per: 1m } }
groups:
  mums: { via: chat, capacity: 50, shard: fill, overflow: open-new, name: "Mums {{ n }}" }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: g, group: { assign: mums } }
          - { id: hi, send: { via: chat, to: group, text: "Welcome {{ member.id }}" } }
          - { id: rest, wait: 1d }
`;

/** The sandbox on the run's virtual clock, and the run on the sandbox's API. */
async function start(options: SandboxOptions = {}): Promise<{ run: PlaybookRun; sandbox: Sandbox }> {
  let run: PlaybookRun | undefined;
  const sandbox = createSandbox({ token: 'tok-1', clock: { now: () => run?.clock.now() ?? 0 }, ...options });
  run = await runPluginUnderPlaybook({
    playbook: PLAYBOOK,
    plugins: [sandboxChannel],
    secrets: { SANDBOX_TOKEN: 'tok-1' },
    fetch: { chat: sandbox.fetch },
  });
  return { run, sandbox };
}

function maxInWindow(times: number[], perMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= perMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('sandbox under a playbook (engine runtime, virtual clock)', () => {
  it('resolves use: sandbox@^1 to the exact version the instances record', async () => {
    const { run } = await start();
    expect(run.instances.get('chat')?.version).toBe('1.0.0');
    await run.event('member.joined', 'm1');
    const member = await run.runtime.member(run.tenant, 'm1');
    // every journey run keeps the exact plugin version it started with
    expect(Object.values(member?.instances ?? {}).map((i) => i.plugins)).toEqual([{ chat: 'sandbox@1.0.0' }]);
  });

  it('opens the group, adds members, and paces welcomes by the playbook limit (10/min, tighter than 20/min)', async () => {
    const { run, sandbox } = await start();
    const t0 = run.clock.now();
    for (let i = 1; i <= 25; i++) await run.event('member.joined', `m${i}`);
    await run.wait('5m');
    const group = sandbox.group('mums-1');
    expect(group?.name).toBe('Mums 1');
    expect(group?.members).toHaveLength(25);
    const welcomes = sandbox.inbox({ group: 'mums-1' });
    expect(welcomes).toHaveLength(25);
    expect(welcomes.map((m) => m.text).slice(0, 2)).toEqual(['Welcome m1', 'Welcome m2']);
    const times = welcomes.map((m) => m.at - t0);
    expect(maxInWindow(times, 60_000)).toBe(10);
    expect(Math.max(...times)).toBe(120_000);
    // Each deferred send waited once for its slot, then went: no dead letters.
    expect(await run.runtime.deadLetters(run.tenant)).toEqual([]);
  });

  it('retries injected provider failures until delivered', async () => {
    const { run, sandbox } = await start({ failEvery: 3 });
    for (let i = 1; i <= 4; i++) await run.event('member.joined', `m${i}`);
    await run.wait('10m');
    expect(sandbox.inbox({ group: 'mums-1' })).toHaveLength(4);
    const failed = run.attempts.filter((a) => a.outcome.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => a.outcome.status === 'failed' && a.outcome.error.kind === 'transient')).toBe(
      true,
    );
  });

  it('ingests a simulated member’s reply through the verified webhook, once', async () => {
    const { run, sandbox } = await start();
    await run.event('member.joined', 'ann');
    const reply = await sandbox.member('ann', 'Ann').reply('Due in May!');
    const first = await run.webhook('chat', reply);
    expect(first).toMatchObject({
      status: 'accepted',
      events: [
        {
          id: 'chat:sandbox:evt-2',
          type: 'message.received',
          member: 'ann',
          data: { text: 'Due in May!', name: 'Ann' },
        },
      ],
    });
    const again = await run.webhook('chat', reply);
    expect(again.status === 'accepted' && again.events[0]?.id).toBe('chat:sandbox:evt-2');
    const forged = { ...reply, headers: { ...reply.headers, 'x-sandbox-signature': 'f'.repeat(64) } };
    expect(await run.webhook('chat', forged)).toMatchObject({ status: 'rejected', reason: 'bad-signature' });
  });
});
