import { type PlaybookRun, runPluginUnderPlaybook } from '@kith/sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_WEBHOOK_SECRET, type FakeTelegram, fakeTelegram } from './fake/index.js';
import { telegramChannel } from './plugin.js';

const playbook = (baseUrl: string) => `
kith: 1
id: tg-welcome
name: Telegram welcome
secrets:
  TG_TOKEN: { description: Telegram bot token }
  TG_HOOK: { description: Telegram webhook secret }
channels:
  tg: { use: telegram@^1, with: { token: "\${secrets.TG_TOKEN}", webhookSecret: "\${secrets.TG_HOOK}", baseUrl: "${baseUrl}" } }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - id: hi
            send: { via: tg, text: "Welcome {{ member.id }}!", buttons: [{ text: Say hi, value: hi }] }
`;

let fake: FakeTelegram | undefined;
afterEach(() => fake?.close?.());

/** The fake judges flood windows by the run's virtual clock, as Telegram would by its own. */
async function start(): Promise<{ run: PlaybookRun; fake: FakeTelegram }> {
  let run: PlaybookRun | undefined;
  fake = await fakeTelegram({ clock: { now: () => run?.clock.now() ?? 0 } });
  run = await runPluginUnderPlaybook({
    playbook: playbook(fake.server.url),
    plugins: [telegramChannel],
    secrets: { TG_TOKEN: fake.server.token, TG_HOOK: FAKE_WEBHOOK_SECRET },
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

describe('telegram under a playbook (engine runtime, virtual clock, fake Bot API on 127.0.0.1)', () => {
  it('waits out a 429 for exactly retry_after and then delivers, without dropping the message', async () => {
    const { run, fake } = await start();
    const t0 = run.clock.now();
    fake.failNext({ kind: 'rate-limited', retryAfterMs: 7000 });
    await run.event('member.joined', 'ann', { channel: 'tg', address: '1001' });
    await run.wait('1m');
    const attempts = run.attempts.filter((a) => a.type === 'message.send');
    expect(attempts.map((a) => [a.at - t0, a.outcome.status])).toEqual([
      [0, 'failed'],
      [7000, 'delivered'],
    ]);
    expect(attempts[0]?.outcome).toMatchObject({ error: { kind: 'rate-limited', retryAfterMs: 7000 } });
    expect(fake.server.api.messages.map((m) => [m.chat_id, m.text, m.at - t0])).toEqual([
      [1001, 'Welcome ann!', 7000],
    ]);
    expect(await run.runtime.deadLetters(run.tenant)).toEqual([]);
  });

  it('welcomes 75 members at the bot’s 30/s without one 429 from Telegram’s flood control', async () => {
    const { run, fake } = await start();
    for (let i = 1; i <= 75; i++) {
      fake.server.api.addUser(5000 + i, `M${i}`);
      await run.event('member.joined', `m${i}`, { channel: 'tg', address: String(5000 + i) });
    }
    await run.wait('1m');
    expect(fake.server.api.messages).toHaveLength(75);
    expect(fake.server.calls.filter((c) => c.status === 429)).toEqual([]);
    expect(
      maxInWindow(
        fake.server.api.messages.map((m) => m.at),
        1000,
      ),
    ).toBe(30);
  });

  it('ingests a verified update once, answers the member, and refuses a forged one without a trace', async () => {
    const { run, fake } = await start();
    const join = fake.updates.request(fake.updates.message(1001, '/start'));
    const forged = fake.forge(join);
    expect(await run.webhook('tg', forged)).toMatchObject({ status: 'rejected', reason: 'bad-signature' });
    await run.wait('1m');
    expect(fake.server.api.messages).toHaveLength(0);

    const update = fake.updates.chatMember(1001, -1001234567890, 'left', 'member');
    const request = fake.updates.request(update);
    const first = await run.webhook('tg', request);
    expect(first).toMatchObject({
      status: 'accepted',
      events: [{ id: `tg:update:${update.update_id}`, member: '1001' }],
    });
    await run.wait('1m');
    expect(await run.webhook('tg', request)).toMatchObject({ status: 'accepted' });
    await run.wait('1m');
    // The redelivered update is the same event: one welcome, sent to the member's private chat.
    expect(fake.server.api.messages.map((m) => [m.chat_id, m.text])).toEqual([[1001, 'Welcome 1001!']]);
  });
});
