import type { ResolvedPlaybook } from '@kith/playbook';
import { validatePlaybookText } from '@kith/playbook';
import { SqlScheduler } from '../src/index.js';

/** A welcome journey: a message, a wait, a second message. */
export function playbook(wait: string): ResolvedPlaybook {
  const text = `
kith: 1
id: onboarding
name: Onboarding
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
stages:
  attract:
    journeys:
      - journey: welcome
        on: member.joined
        steps:
          - { id: hello, send: { via: tg, text: "Welcome {{ member.name }}" } }
          - { id: pause, wait: ${wait} }
          - { id: nudge, send: { via: tg, text: "Day two, {{ member.name }}" } }
`;
  const result = validatePlaybookText(text, 'playbook.yaml');
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || result.playbook === undefined)
    throw new Error(`invalid test playbook: ${JSON.stringify(errors)}`);
  return result.playbook;
}

/** A SqlScheduler that remembers every timer it handed out (to see that none goes out twice). */
export class RecordingScheduler extends SqlScheduler {
  readonly taken: string[] = [];

  override async takeDue(now: number, limit: number) {
    const due = await super.takeDue(now, limit);
    this.taken.push(...due.map((t) => `${t.tenant}/${t.key}`));
    return due;
  }
}
