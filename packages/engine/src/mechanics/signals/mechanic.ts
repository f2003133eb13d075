import type { EventView } from '../../model/event.js';
import { defineMechanic, type MechanicContext, type MechanicEvent, type MechanicOutput } from '../types.js';
import { compileSignals, mentions, type SignalPlan, type SignalsPlan } from './plan.js';
import { countShared, type SharedMention, SIGNAL_COUNT } from './service.js';
import { type Counter, countMention, NO_COUNTER } from './window.js';

/**
 * A member-scope counter as kept in the member. Until its signal fires (for nearly every member)
 * its hits are kept flat, `[at, id, at, id, …]`: one list instead of a list, an object per hit
 * and the counter around them (~70 bytes less per member who mentioned a signal). Read back,
 * both forms are the same counter; the object form is also what earlier versions stored.
 */
type StoredCounter = Counter | readonly (number | string)[];

/** Member-scope counters, by signal id. */
type State = Readonly<Record<string, StoredCounter>>;

function unpack(c: StoredCounter | undefined): Counter {
  if (c === undefined) return NO_COUNTER;
  if (!Array.isArray(c)) return c as Counter;
  const hits: Counter['hits'] = [];
  for (let i = 0; i + 1 < c.length; i += 2) hits.push({ at: c[i] as number, id: c[i + 1] as string });
  return { hits, fired: null };
}

function pack(c: Counter): StoredCounter {
  if (c.fired !== null) return c;
  const flat = new Array<number | string>(c.hits.length * 2);
  for (let i = 0; i < c.hits.length; i++) {
    flat[2 * i] = c.hits[i]!.at;
    flat[2 * i + 1] = c.hits[i]!.id;
  }
  return flat;
}

type Ctx = MechanicContext<SignalsPlan, State>;

function fired(s: SignalPlan, count: number, group: string | null): MechanicEvent {
  const data: Record<string, unknown> = { signal: s.id, scope: s.scope, count, window: s.window };
  if (group !== null) data.group = group;
  return { type: s.event, data };
}

/** The group a group-scope mention counts for: the chat it was said in, else the member's group. */
function groupKey(ctx: Ctx, view: EventView): string | null {
  if (typeof view.group === 'string' && view.group !== '') return view.group;
  for (const g of Object.values(ctx.member.groups)) return g;
  return null;
}

function onMessage(ctx: Ctx, view: EventView): MechanicOutput | undefined {
  const text = typeof view.text === 'string' ? view.text : '';
  if (text === '') return undefined;
  const lower = text.toLowerCase();
  const at = typeof view.at === 'number' ? view.at : ctx.now;
  const id = String(view.id);
  let counters: Record<string, StoredCounter> | null = null;
  const events: MechanicEvent[] = [];
  const requests: NonNullable<MechanicOutput['requests']>[number][] = [];
  for (const s of ctx.plan.signals) {
    if (!mentions(s, lower, text)) continue;
    if (s.scope === 'member') {
      counters ??= { ...(ctx.state ?? {}) };
      const r = countMention(unpack(counters[s.id]), { at, id }, s);
      counters[s.id] = pack(r.next);
      if (r.tally.fired) events.push(fired(s, r.tally.count, null));
      continue;
    }
    const key = s.scope === 'group' ? groupKey(ctx, view) : '';
    if (key === null) continue;
    const input: SharedMention = {
      signal: s.id,
      key,
      id,
      at,
      windowMs: s.windowMs,
      threshold: s.threshold,
      cooldownMs: s.cooldownMs,
    };
    // the reply name carries the event id: each mention's answer is its own input
    requests.push({
      service: SIGNAL_COUNT,
      input: input as unknown as Record<string, unknown>,
      reply: true,
      name: `${s.id}|${id}`,
    });
  }
  if (counters === null && requests.length === 0) return undefined;
  return { changes: counters === null ? [] : [{ op: 'state', value: counters }], events, requests };
}

/**
 * Signals: demand mined from conversation. Each message that mentions a signal's keywords or
 * regular expressions counts once in a sliding window — per member (in the member's state), per
 * group or for the whole community (shared: counted by a service through the Store). When the
 * count reaches the threshold, and the cooldown since the last firing has passed, the signal's
 * event (default `signal.<id>`) goes to the member whose message tipped it, and counting starts
 * over.
 */
export const signals = defineMechanic<SignalsPlan, State>({
  name: 'signals',
  events: ['message.received'],
  compile: (pb) => compileSignals(pb),
  onEvent: (ctx, _event, view) => (ctx.left ? undefined : onMessage(ctx, view)),
  onReply(ctx, _name, output) {
    if (output.fired !== true) return undefined;
    const s = ctx.plan.signals.find((x) => x.id === output.signal);
    if (s === undefined) return undefined;
    const group = s.scope === 'group' && typeof output.key === 'string' ? output.key : null;
    return { events: [fired(s, Number(output.count), group)] };
  },
  services: { [SIGNAL_COUNT]: countShared },
});
