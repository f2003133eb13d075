import { describe, expect, it } from 'vitest';
import { covenant } from '../src/mechanics/covenant/index.js';
import { createTestKit } from '../src/testing/index.js';
import { HEAD } from './fixtures.js';

function playbook(required: boolean): string {
  return `${HEAD}
covenant:
  text: "{{ member.name }}, be kind and share what you learn."
  acceptance: { required: ${required}, via: tg, button: I agree }
stages:
  attract:
    journeys:
      - journey: reached
        on: stage.reached
        reentry: always
        entryKey: event.stage
        steps:
          - { id: log, send: { via: tg, text: "reached {{ event.stage }}" } }
      - journey: thanks
        on: member.joined
        steps:
          - id: wait
            wait: { event: covenant.accepted, timeout: 3d }
          - { id: ty, send: { via: tg, text: "thanks for accepting ({{ event.via }})" } }
  activate:
    when: member.messages >= 1
  transact:
    when: member.messages >= 3
`;
}

async function stagesOf(kit: Awaited<ReturnType<typeof createTestKit>>, id: string): Promise<string[]> {
  return (await kit.member(id)).stagesReached;
}

describe('covenant', () => {
  it('is sent on joining with an accept button', async () => {
    const kit = await createTestKit(playbook(true), { mechanics: [covenant] });
    await kit.event('member.joined', 'ann', { name: 'Ann', channel: 'tg', address: '42' });
    const [first] = kit.effects.messages('ann').filter((m) => !m.text.startsWith('reached'));
    expect(first?.text).toBe('Ann, be kind and share what you learn.');
    expect(first?.to).toEqual({ kind: 'member', member: 'ann', address: '42' });
    expect(first?.buttons).toEqual([{ text: 'I agree', value: 'covenant:accept', url: null }]);
    // joining again does not send it twice
    await kit.event('member.joined', 'ann');
    expect(kit.texts('ann').filter((t) => t.includes('be kind'))).toHaveLength(1);
  });

  it('required: a member who never accepts never reaches activate, however its `when` holds', async () => {
    const kit = await createTestKit(playbook(true), { mechanics: [covenant] });
    await kit.event('member.joined', 'm');
    for (let i = 0; i < 5; i++) await kit.event('message.received', 'm', { text: 'hello' });
    await kit.wait('30d');
    const m = await kit.member('m');
    expect(m.profile.stage).toBe('attract');
    expect(m.stagesReached).toEqual(['attract']);
    expect(m.profile.covenantAccepted).toBe(false);
  });

  it('accepting by the button moves the member up at once, through every stage its rules allow', async () => {
    const kit = await createTestKit(playbook(true), { mechanics: [covenant] });
    await kit.event('member.joined', 'm', { name: 'Mia' });
    for (let i = 0; i < 3; i++) await kit.event('message.received', 'm', { text: 'hello' });
    expect(await stagesOf(kit, 'm')).toEqual(['attract']);
    await kit.event('button.clicked', 'm', { value: 'covenant:accept' });
    const m = await kit.member('m');
    expect(m.profile.covenantAccepted).toBe(true);
    expect(m.stagesReached).toEqual(['attract', 'activate', 'transact']);
    expect(kit.texts('m')).toEqual([
      'Mia, be kind and share what you learn.',
      'reached attract',
      'thanks for accepting (button)',
      'reached activate',
      'reached transact',
    ]);
  });

  it('a covenant.accepted event from elsewhere counts too; without `required` nothing is held back', async () => {
    const kit = await createTestKit(playbook(true), { mechanics: [covenant] });
    await kit.event('member.joined', 'm');
    await kit.event('message.received', 'm', { text: 'hello' });
    await kit.event('covenant.accepted', 'm', { via: 'form' });
    expect((await kit.member('m')).profile.stage).toBe('activate');
    expect(kit.texts('m')).toContain('thanks for accepting (form)');

    const free = await createTestKit(playbook(false), { mechanics: [covenant] });
    await free.event('member.joined', 'm');
    await free.event('message.received', 'm', { text: 'hello' });
    expect(await stagesOf(free, 'm')).toEqual(['attract', 'activate']);
  });
});
