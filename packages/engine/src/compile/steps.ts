import { STEP_KINDS, type Step, type StepKind } from '@kith/playbook/browser';
import { parseTimeOfDay } from '../time/zone.js';
import type { Problems } from './problems.js';
import type { CompiledStep, Render, SendSpec } from './types.js';

/** Where nested blocks of a step start; filled in when the graph is linked. */
type BlockRole = 'then' | 'else' | 'onTimeout' | number;

interface Block {
  role: BlockRole;
  positions: number[];
}

export interface StepContext {
  problems: Problems;
  journey: string;
  /** The journey's default channel (offer shorthand). */
  channel: string;
  offers: ReadonlyMap<string, { payment: string }>;
  tiers: ReadonlySet<string>;
  steps: CompiledStep[];
  blocks: Map<number, Block[]>;
}

function kindOf(step: Step): StepKind | 'noop' {
  for (const k of STEP_KINDS) if ((step as Record<string, unknown>)[k] !== undefined) return k;
  return 'noop';
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** Compiles template strings in plugin inputs and event data into renderers, recursively. */
function compileValues(value: unknown, c: StepContext, where: string): unknown {
  if (isString(value))
    return value.includes('{{') || value.includes('{%') ? c.problems.template(value, where) : value;
  if (Array.isArray(value)) return value.map((v, i) => compileValues(v, c, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = compileValues(v, c, `${where}.${k}`);
    return out;
  }
  return value;
}

function compileSend(send: NonNullable<Step['send']>, c: StepContext, where: string): SendSpec {
  const to = send.to === 'group' || send.to === 'referrer' ? send.to : 'member';
  return {
    channel: send.via,
    to,
    text: c.problems.template(send.text, `${where}.text`),
    subject: c.problems.template(send.subject, `${where}.subject`),
    html: c.problems.template(send.html, `${where}.html`),
    image: send.image ?? null,
    buttons: (send.buttons ?? []).map((b, i) => ({
      text: c.problems.template(b.text, `${where}.buttons[${i}]`) as Render,
      value: b.value ?? null,
      url: b.url ?? null,
    })),
    critical: send.critical === true,
  };
}

function block(c: StepContext, pos: number, role: BlockRole, list: readonly Step[] | undefined): void {
  const positions = compileBlock(list ?? [], c);
  let blocks = c.blocks.get(pos);
  if (blocks === undefined) {
    blocks = [];
    c.blocks.set(pos, blocks);
  }
  blocks.push({ role, positions });
}

function base(id: string, pos: number) {
  return { id, pos, next: -1 };
}

/** Compiles one step (its nested blocks become later positions). */
function compileStep(src: Step, pos: number, c: StepContext): CompiledStep {
  const where = `${c.journey}.${src.id}`;
  const p = c.problems;
  const kind = kindOf(src);
  const b = base(src.id, pos);
  let step: CompiledStep;
  switch (kind) {
    case 'send': {
      const s = { ...b, kind, ...compileSend(src.send!, c, `${where}.send`) };
      step = s;
      break;
    }
    case 'wait': {
      const w = src.wait!;
      let s: Extract<CompiledStep, { kind: 'wait' }>;
      if (isString(w)) s = { ...b, kind, mode: 'for', ms: p.duration(w, where) };
      else if ('for' in w) s = { ...b, kind, mode: 'for', ms: p.duration(w.for, where) };
      else if ('until' in w) {
        const minute = parseTimeOfDay(w.until);
        if (minute !== undefined) s = { ...b, kind, mode: 'time', minute, zone: w.timezone ?? null };
        else {
          const at = Date.parse(w.until);
          if (Number.isNaN(at)) p.add(where, `wait until '${w.until}' is neither HH:MM nor an ISO date-time`);
          s = { ...b, kind, mode: 'date', at: Number.isNaN(at) ? 0 : at };
        }
      } else {
        s = {
          ...b,
          kind,
          mode: 'event',
          event: w.event,
          filter: p.expr(w.filter, `${where}.wait.filter`),
          timeoutMs: p.duration(w.timeout, where),
          onTimeout: -1,
        };
        block(c, pos, 'onTimeout', src.onTimeout);
      }
      step = s;
      break;
    }
    case 'if': {
      const s = { ...b, kind, cond: p.expr(src.if, `${where}.if`)!, then: -1, else: -1 };
      block(c, pos, 'then', src.then);
      block(c, pos, 'else', src.else);
      step = s;
      break;
    }
    case 'split': {
      const arms = src.split!.map((arm, i) => ({
        variant: arm.variant,
        weight: Math.max(0, p.int(arm.weight, `${where}.split[${i}].weight`)),
        start: -1,
      }));
      const s = { ...b, kind, arms, total: arms.reduce((n, a) => n + a.weight, 0) };
      src.split!.forEach((arm, i) => {
        block(c, pos, i, arm.steps);
      });
      step = s;
      break;
    }
    case 'set': {
      const entries = Object.entries(src.set!).map(
        ([k, e]) =>
          [k, p.expr(e, `${where}.set.${k}`)!] as [string, NonNullable<ReturnType<Problems['expr']>>],
      );
      const s = { ...b, kind, entries };
      step = s;
      break;
    }
    case 'tag': {
      const t = src.tag!;
      const s = isString(t)
        ? { ...b, kind, add: [t], remove: [] as string[] }
        : { ...b, kind, add: t.add ?? [], remove: t.remove ?? [] };
      step = s;
      break;
    }
    case 'score': {
      const sc = src.score!;
      const obj = typeof sc === 'object' && sc !== null;
      const s = {
        ...b,
        kind,
        points: p.int(obj ? sc.points : sc, `${where}.score`),
        reason: obj ? (sc.reason ?? null) : null,
      };
      step = s;
      break;
    }
    case 'tier': {
      if (!c.tiers.has(src.tier!)) p.add(where, `unknown tier '${src.tier}'`);
      const s = { ...b, kind, tier: src.tier! };
      step = s;
      break;
    }
    case 'offer': {
      const o = src.offer!;
      const spec = isString(o) ? { offer: o } : o;
      const offer = c.offers.get(spec.offer);
      if (offer === undefined) p.add(where, `unknown offer '${spec.offer}'`);
      const s = {
        ...b,
        kind,
        offer: spec.offer,
        channel: ('via' in spec ? spec.via : undefined) ?? c.channel,
        text: p.template('text' in spec ? spec.text : undefined, `${where}.offer.text`),
        payment: ('payment' in spec ? spec.payment : undefined) ?? offer?.payment ?? '',
      };
      step = s;
      break;
    }
    case 'charge': {
      const ch = src.charge!;
      const offer = c.offers.get(ch.offer);
      if (offer === undefined) p.add(where, `unknown offer '${ch.offer}'`);
      const s = { ...b, kind, offer: ch.offer, payment: ch.payment ?? offer?.payment ?? '' };
      step = s;
      break;
    }
    case 'group': {
      const s = { ...b, kind, pool: src.group!.assign };
      step = s;
      break;
    }
    case 'introduce': {
      const i = src.introduce!;
      const s = {
        ...b,
        kind,
        by: i.by,
        count: i.count === undefined ? 1 : p.int(i.count, `${where}.introduce.count`, 1),
        among: i.among ?? null,
        channel: i.via,
        text: p.template(i.text, `${where}.introduce.text`),
      };
      if (i.among !== undefined) p.expr(i.among, `${where}.introduce.among`);
      step = s;
      break;
    }
    case 'call': {
      const call = src.call!;
      const s = {
        ...b,
        kind,
        plugin: call.plugin,
        action: call.action,
        input: compileValues(call.with ?? {}, c, `${where}.call.with`) as Record<string, unknown>,
      };
      step = s;
      break;
    }
    case 'emit': {
      const e = src.emit!;
      const spec = isString(e) ? { event: e, data: {} } : { event: e.event, data: e.data ?? {} };
      const s = {
        ...b,
        kind,
        event: spec.event,
        data: compileValues(spec.data, c, `${where}.emit.data`) as Record<string, unknown>,
      };
      step = s;
      break;
    }
    case 'goal': {
      const s = { ...b, kind, goal: src.goal! };
      step = s;
      break;
    }
    case 'exit': {
      const s = { ...b, kind, reason: src.exit === true ? 'exit' : String(src.exit) };
      step = s;
      break;
    }
    default:
      step = { ...b, kind: 'noop' };
  }
  return step;
}

function compileBlock(list: readonly Step[], c: StepContext): number[] {
  const positions: number[] = [];
  for (const src of list) {
    const pos = c.steps.length;
    positions.push(pos);
    // reserve the slot first so that the step precedes its nested blocks (pre-order)
    c.steps.push(undefined as unknown as CompiledStep);
    c.steps[pos] = compileStep(src, pos, c);
  }
  return positions;
}

function link(positions: readonly number[], cont: number, c: StepContext): void {
  for (let i = 0; i < positions.length; i++) {
    const step = c.steps[positions[i]!]!;
    step.next = i + 1 < positions.length ? positions[i + 1]! : cont;
    for (const blk of c.blocks.get(step.pos) ?? []) {
      const entry = blk.positions[0] ?? step.next;
      if (blk.role === 'then' && step.kind === 'if') step.then = entry;
      else if (blk.role === 'else' && step.kind === 'if') step.else = entry;
      else if (blk.role === 'onTimeout' && step.kind === 'wait' && step.mode === 'event')
        step.onTimeout = entry;
      else if (typeof blk.role === 'number' && step.kind === 'split') step.arms[blk.role]!.start = entry;
      link(blk.positions, step.next, c);
    }
  }
}

/**
 * Flattens a journey's step tree into an array: each step gets a stable position, and `next`
 * says where to go when it is done (after a branch, the step after the branching step). The
 * position past the end means "the journey is complete".
 */
export function compileSteps(list: readonly Step[], c: StepContext): void {
  const top = compileBlock(list, c);
  link(top, c.steps.length, c);
  const seen = new Set<string>();
  for (const s of c.steps) {
    if (seen.has(s.id)) c.problems.add(`${c.journey}.${s.id}`, 'duplicate step id');
    seen.add(s.id);
  }
}
