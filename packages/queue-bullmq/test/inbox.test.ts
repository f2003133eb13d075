import { expect, it } from 'vitest';
import { MemoryEventInbox } from '../src/index.js';

const ev = (id: string, member?: string) => ({
  tenant: 'acme',
  id,
  type: 'x',
  ...(member === undefined ? {} : { member }),
});
const ids = (c: { events: { id: string }[] }) => c.events.map((e) => e.id);

it("claims oldest first and holds back a member's event while an earlier one is claimed elsewhere", async () => {
  const inbox = new MemoryEventInbox();
  for (const e of [ev('a1', 'ann'), ev('b1', 'bob'), ev('a2', 'ann'), ev('c'), ev('b2', 'bob')])
    await inbox.saveInbound('acme', e);
  expect(ids(await inbox.claimInbound('acme', 1, 60_000))).toEqual(['a1']);
  const second = await inbox.claimInbound('acme', 10, 60_000);
  // bob's two go together, in order; ann's second waits for her first
  expect([ids(second), second.blocked]).toEqual([['b1', 'c', 'b2'], true]);
  await inbox.settleInbound('acme', ['a1'], []);
  expect(ids(await inbox.claimInbound('acme', 10, 60_000))).toEqual(['a2']);
  // a released event can be claimed again at once; a claim past its lease too
  await inbox.settleInbound('acme', [], ['b1', 'b2']);
  expect(ids(await inbox.claimInbound('acme', 10, 0))).toEqual(['b1', 'b2']);
  expect(ids(await inbox.claimInbound('acme', 10, 60_000))).toEqual(['b1', 'b2']);
  expect(await inbox.claimInbound('other', 10, 60_000)).toEqual({ events: [], blocked: false });
});
