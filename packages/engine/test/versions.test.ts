import { describe, expect, it } from 'vitest';
import { createTestKit, loadPlaybook } from '../src/testing/index.js';
import { withJourneys } from './fixtures.js';

const V1 = withJourneys(`
- journey: welcome
  on: member.joined
  steps:
    - { id: hello, send: { via: tg, text: "v1 hello" } }
    - { id: settle, wait: 2d }
    - { id: nudge, send: { via: tg, text: "v1 nudge" } }
- journey: survey
  on: member.joined
  steps:
    - { id: pause, wait: 3d }
    - { id: ask, send: { via: tg, text: "v1 survey" } }
`);

function v2(migrate: string): string {
  return withJourneys(
    `
- journey: welcome
  on: member.joined
  steps:
    - { id: hello-v2, send: { via: tg, text: "v2 hello" } }
    - { id: settle-v2, wait: 1d }
    - { id: nudge-v2, send: { via: tg, text: "v2 nudge" } }
- journey: survey
  on: member.joined
  steps:
    - { id: pause, wait: 3d }
    - { id: ask, send: { via: tg, text: "v2 survey" } }
`,
    migrate,
  );
}

const MEMBERS = 1000;

async function waiting() {
  const kit = await createTestKit(V1, { kernel: { trace: false } });
  for (let i = 0; i < MEMBERS; i++) await kit.event('member.joined', `m${i}`);
  await kit.wait('12h');
  return kit;
}

describe('publishing a new version while 1,000 members wait', () => {
  it('applies the migrate map (with a preview of who moves where) and lets unlisted journeys finish', async () => {
    const kit = await waiting();
    const next = v2(`migrate:\n  welcome: { settle: settle-v2, hello: hello-v2 }\n`);
    const { playbook, params } = loadPlaybook(next);
    const preview = await kit.runtime.preview('test', playbook, { version: '2', params });
    expect(preview.moves).toEqual([{ journey: 'welcome', from: 'settle', to: 'settle-v2', count: MEMBERS }]);
    expect(preview.stays).toEqual([{ journey: 'survey', version: '1', step: 'pause', count: MEMBERS }]);
    expect(kit.texts('m1')).toEqual(['v1 hello']);

    const report = await kit.publish(next, '2');
    expect(report.migrated).toBe(MEMBERS);
    expect(report.moves).toEqual(preview.moves);
    // the migrated wait keeps its start: 1d from joining, i.e. 12h from now
    await kit.wait('12h');
    expect(kit.texts('m1')).toEqual(['v1 hello', 'v2 nudge']);
    await kit.wait('2d');
    // survey was not in the map: its members finish on version 1
    expect(kit.texts('m1')).toEqual(['v1 hello', 'v2 nudge', 'v1 survey']);
    expect(kit.texts().filter((t) => t === 'v2 nudge')).toHaveLength(MEMBERS);
    expect(kit.texts().filter((t) => t === 'v1 survey')).toHaveLength(MEMBERS);
    expect(kit.scheduler.size).toBe(0);
    // new members start on version 2
    await kit.event('member.joined', 'new');
    expect(kit.texts('new')).toEqual(['v2 hello']);
    expect((await kit.member('new')).instances.every((i) => i.version === '2')).toBe(true);
  });

  it('without a migrate map every run finishes on the version it started on', async () => {
    const kit = await waiting();
    const report = await kit.publish(v2(''), '2');
    expect(report.migrated).toBe(0);
    expect(report.stays).toEqual([
      { journey: 'welcome', version: '1', step: 'settle', count: MEMBERS },
      { journey: 'survey', version: '1', step: 'pause', count: MEMBERS },
    ]);
    await kit.wait('3d');
    expect(kit.texts('m7')).toEqual(['v1 hello', 'v1 nudge', 'v1 survey']);
  });

  it('a step mapped to null ends those runs', async () => {
    const kit = await waiting();
    const report = await kit.publish(v2(`migrate:\n  welcome: { settle: null }\n`), '2');
    expect(report.moves).toEqual([{ journey: 'welcome', from: 'settle', to: null, count: MEMBERS }]);
    await kit.wait('3d');
    expect(kit.texts('m3')).toEqual(['v1 hello', 'v1 survey']);
    expect(kit.finished('m3').find((i) => i.journey === 'welcome')?.reason).toBe('migrated');
  });
});
