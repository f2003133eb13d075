import { type PlaybookRun, runPluginUnderPlaybook } from '@kith/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_CALLBACK, FAKE_GROUP, type FakeWeCom, fakeWeCom } from './fake/index.js';
import { wecomChannel } from './plugin.js';

const playbook = (fake: FakeWeCom) => `
kith: 1
id: wecom-mums
name: WeCom mums
secrets:
  ROBOT_KEY: { description: WeCom group robot key }
  CB_TOKEN: { description: WeCom callback token }
  CB_AES: { description: WeCom callback EncodingAESKey }
channels:
  wecom:
    use: wecom@^1
    with:
      baseUrl: "${fake.server.url}"
      robotKey: "\${secrets.ROBOT_KEY}"
      group: ${FAKE_GROUP}
      corpId: ${fake.server.corpId}
      callbackToken: "\${secrets.CB_TOKEN}"
      encodingAesKey: "\${secrets.CB_AES}"
groups:
  mums: { via: wecom, capacity: 5000, shard: fill, overflow: waitlist, groups: ["${FAKE_GROUP}"] }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: place, group: { assign: mums } }
          - { id: hi, send: { via: wecom, to: group, text: "欢迎 {{ member.id }}!" } }
`;

let fake: FakeWeCom | undefined;
afterEach(() => fake?.close?.());

/** The fake counts the robot's minute by the run's virtual clock, as WeCom counts it by its own. */
async function start(): Promise<{ run: PlaybookRun; fake: FakeWeCom }> {
  let run: PlaybookRun | undefined;
  const clock = { now: () => run?.clock.now() ?? Date.parse('2026-01-05T00:00:00Z') };
  fake = await fakeWeCom({ clock });
  run = await runPluginUnderPlaybook({
    playbook: playbook(fake),
    plugins: [wecomChannel],
    secrets: {
      ROBOT_KEY: fake.server.robotKeys[0]!,
      CB_TOKEN: FAKE_CALLBACK.token,
      CB_AES: FAKE_CALLBACK.encodingAesKey,
    },
  });
  return { run, fake };
}

function maxInWindow(times: number[], perMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= perMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('wecom robot under a playbook (engine runtime, virtual clock, fake qyapi on 127.0.0.1)', () => {
  it('sends 1,000 welcomes through one robot, never more than 20 in any minute at WeCom, losing none', async () => {
    const { run, fake } = await start();
    const t0 = run.clock.now();
    for (let i = 1; i <= 1000; i++) await run.event('member.joined', `m${i}`);
    await run.wait('2h');
    const got = fake.server.robotMessages;
    expect(got).toHaveLength(1000);
    const texts = new Set(got.map((m) => (m.body.text as { content: string }).content));
    expect(texts.size).toBe(1000);
    expect(fake.server.robotAnswers.filter((a) => a.errcode !== 0)).toEqual([]);
    const times = got.map((m) => m.at);
    expect(maxInWindow(times, 60_000)).toBe(20);
    // 1,000 at 20 a minute: the last goes out in minute 50, not earlier and not much later.
    expect(Math.max(...times) - t0).toBe(49 * 60_000);
    const dead = await run.runtime.deadLetters(run.tenant);
    // Robots cannot add people to a group: the host skips group.add (members join by invite),
    // so nothing dead-letters.
    expect(dead).toEqual([]);
  }, 120_000);

  it('rejects a bad signature, a stale timestamp and a replayed nonce without a trace; one event per callback', async () => {
    const { run, fake } = await start();
    const joined = fake.callbacks.chatMembers(FAKE_GROUP, 'add_member', ['wmBo']);
    const forged = fake.forge(joined.request);
    const stale = fake.callbacks.post(joined.message, { timestamp: fake.callbacks.now() - 301 });
    expect(await run.webhook('wecom', forged)).toMatchObject({ status: 'rejected', reason: 'bad-signature' });
    expect(await run.webhook('wecom', stale.request)).toMatchObject({ status: 'rejected', reason: 'stale' });
    await run.wait('5m');
    expect(await run.runtime.member(run.tenant, 'wmBo')).toBeUndefined();
    expect(fake.server.robotMessages).toEqual([]);

    const accepted = await run.webhook('wecom', joined.request);
    expect(accepted).toMatchObject({
      status: 'accepted',
      events: [{ type: 'member.joined', member: 'wmBo' }],
    });
    // The same callback again: its nonce is spent.
    expect(await run.webhook('wecom', joined.request)).toMatchObject({
      status: 'rejected',
      reason: 'replayed',
    });
    // WeCom re-sending the same event in a new envelope (new nonce) is the same event id: ingested once.
    const again = fake.callbacks.post(joined.message);
    const second = await run.webhook('wecom', again.request);
    expect(second.status === 'accepted' && second.events.map((e) => e.id)).toEqual(
      accepted.status === 'accepted' && accepted.events.map((e) => e.id),
    );
    await run.wait('5m');
    expect(fake.server.robotMessages.map((m) => (m.body.text as { content: string }).content)).toEqual([
      '欢迎 wmBo!',
    ]);
  });
});
