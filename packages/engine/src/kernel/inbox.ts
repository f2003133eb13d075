import { ownList } from '../model/member.js';
import type { Run } from './run.js';

/** Adds this input's unmatched events to the member's inbox, dropping expired and excess items. */
export function keepUnmatched(run: Run): void {
  const inbox = ownList(run.state.inbox);
  run.state.inbox = inbox;
  const ttl = run.kernel.options.inboxTtlMs;
  for (let i = inbox.length - 1; i >= 0; i--) if (inbox[i]!.at < run.now - ttl) inbox.splice(i, 1);
  for (const view of run.unmatched) {
    inbox.push({
      token: null,
      type: String(view.type),
      at: typeof view.at === 'number' ? view.at : run.now,
      event: view,
    });
  }
  const size = run.kernel.options.inboxSize;
  if (inbox.length > size) inbox.splice(0, inbox.length - size);
}
