import type { CompiledStepOf } from '../../compile/types.js';
import { CONTINUE, type Control } from '../../compile/types.js';
import { EFFECTS, type PluginCallData } from '../../model/effect.js';
import type { Run } from '../run.js';

/** Renders template strings (at any depth) in plugin inputs and event data; other values pass. */
function renderValues(run: Run, value: unknown): unknown {
  if (typeof value === 'function') return (value as (s: Record<string, unknown>) => string)(run.scope);
  if (Array.isArray(value)) return value.map((v) => renderValues(run, v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValues(run, v);
    return out;
  }
  return value;
}

export function execCall(step: CompiledStepOf<'call'>, run: Run): Control {
  const data: PluginCallData = {
    action: step.action,
    input: renderValues(run, step.input) as Record<string, unknown>,
  };
  run.effect(EFFECTS.call, step.plugin, data as unknown as Record<string, unknown>);
  return CONTINUE;
}

export function execEmit(step: CompiledStepOf<'emit'>, run: Run): Control {
  const e = run.emit(step.event, renderValues(run, step.data) as Record<string, unknown>);
  run.output = { event: e.id };
  return CONTINUE;
}
