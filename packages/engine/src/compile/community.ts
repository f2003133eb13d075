import type { ResolvedPlaybook } from '@kith/playbook/browser';
import { parseTimeOfDay } from '../time/zone.js';
import type { Problems } from './problems.js';
import type {
  CompiledCap,
  CompiledDelivery,
  CompiledOffer,
  CompiledPool,
  CompiledStage,
  CompiledTier,
} from './types.js';

export function compileTiers(pb: ResolvedPlaybook, p: Problems): CompiledTier[] {
  return Object.entries(pb.tiers ?? {}).map(([id, t], rank) => ({
    id,
    rank,
    when: p.expr(t.when, `tiers.${id}.when`),
    keepWhen: p.expr(t.keepWhen, `tiers.${id}.keepWhen`),
  }));
}

export function compileStages(pb: ResolvedPlaybook, p: Problems): CompiledStage[] {
  return Object.entries(pb.stages).map(([id, s], index) => ({
    id,
    index,
    when: p.expr(s.when, `stages.${id}.when`),
    keepWhen: p.expr(s.keepWhen, `stages.${id}.keepWhen`),
  }));
}

/** Money is an integer in minor units everywhere; a fractional price is a compile error. */
export function compileOffers(pb: ResolvedPlaybook, p: Problems): Map<string, CompiledOffer> {
  const payments = Object.keys(pb.payments ?? {});
  const out = new Map<string, CompiledOffer>();
  for (const [id, o] of Object.entries(pb.offers ?? {})) {
    const tierPrice: Record<string, number> = {};
    for (const [tier, price] of Object.entries(o.tierPrice ?? {})) {
      tierPrice[tier] = p.int(price, `offers.${id}.tierPrice.${tier}`);
    }
    out.set(id, {
      id,
      name: p.template(o.name, `offers.${id}.name`),
      description: p.template(o.description, `offers.${id}.description`),
      price: p.int(o.price, `offers.${id}.price`),
      currency: o.currency,
      tierPrice,
      payment: o.payment ?? payments[0] ?? '',
      capture: o.campaign?.kind === 'pre-sale' ? 'manual' : 'automatic',
    });
  }
  return out;
}

export function compilePools(pb: ResolvedPlaybook, p: Problems): Map<string, CompiledPool> {
  const out = new Map<string, CompiledPool>();
  for (const [id, g] of Object.entries(pb.groups ?? {})) {
    const capacity = p.int(g.capacity, `groups.${id}.capacity`, 2);
    if (capacity < 1) p.add(`groups.${id}.capacity`, 'capacity must be at least 1');
    const shard = g.shard ?? 'fill';
    if (shard === 'by-attribute' && g.by === undefined)
      p.add(`groups.${id}`, '`shard: by-attribute` needs `by`');
    out.set(id, {
      id,
      channel: g.via,
      capacity,
      shard,
      by: g.by ?? null,
      overflow: g.overflow ?? 'open-new',
      name: p.template(g.name, `groups.${id}.name`),
      groups: g.groups ?? [],
    });
  }
  return out;
}

function cap(
  c: { max: unknown; per: string; mode?: 'defer' | 'skip' } | undefined,
  where: string,
  p: Problems,
): CompiledCap | null {
  if (c === undefined) return null;
  return {
    max: Math.max(1, p.int(c.max, `${where}.max`, 1)),
    per: p.duration(c.per, `${where}.per`),
    mode: c.mode ?? 'skip',
  };
}

/** Quiet hours default to `defer` (a message arrives in the morning); caps default to `skip`. */
export function compileDelivery(pb: ResolvedPlaybook, p: Problems): CompiledDelivery {
  const d = pb.delivery;
  const q = d?.quietHours;
  let quiet: CompiledDelivery['quiet'] = null;
  if (q !== undefined) {
    const start = parseTimeOfDay(q.start);
    const end = parseTimeOfDay(q.end);
    if (start === undefined || end === undefined) p.add('delivery.quietHours', 'start and end must be HH:MM');
    else if (start !== end) quiet = { start, end, mode: q.mode ?? 'defer' };
  }
  return {
    quiet,
    perMember: cap(d?.perMember, 'delivery.perMember', p),
    perGroup: cap(d?.perGroup, 'delivery.perGroup', p),
  };
}
