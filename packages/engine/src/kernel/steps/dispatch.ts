import type { CompiledStep, Control } from '../../compile/types.js';
import { CONTINUE } from '../../compile/types.js';
import type { Run } from '../run.js';
import { execIf, execSplit, replayIf, replaySplit } from './branch.js';
import { execExit, execGoal } from './end.js';
import { execGroup } from './group.js';
import { execIntroduce } from './introduce.js';
import { execCharge, execOffer } from './offer.js';
import { execCall, execEmit } from './plugin.js';
import { execScore, execSet, execTag, execTier } from './profile.js';
import { execSend } from './send.js';
import { execWait, replayWait } from './wait.js';

type Executor = (step: CompiledStep, run: Run) => Control;

/** A mechanic's executor for this step's kind, when the playbook's version says one applies. */
function override(step: CompiledStep, run: Run): Executor | undefined {
  const name = run.playbook.stepOverrides.get(step.kind);
  if (name === undefined) return undefined;
  const steps = run.kernel.mechanics.find((m) => m.name === name)?.steps as
    | Record<string, Executor>
    | undefined;
  return steps?.[step.kind];
}

/** Runs a step: the built-in executor of its kind, or a mechanic's replacement. */
export function execStep(step: CompiledStep, run: Run): Control {
  if (run.playbook.stepOverrides.size > 0) {
    const custom = override(step, run);
    if (custom !== undefined) return custom(step, run);
  }
  switch (step.kind) {
    case 'send':
      return execSend(step, run);
    case 'wait':
      return execWait(step, run);
    case 'if':
      return execIf(step, run);
    case 'split':
      return execSplit(step, run);
    case 'set':
      return execSet(step, run);
    case 'tag':
      return execTag(step, run);
    case 'score':
      return execScore(step, run);
    case 'tier':
      return execTier(step, run);
    case 'offer':
      return execOffer(step, run);
    case 'charge':
      return execCharge(step, run);
    case 'group':
      return execGroup(step, run);
    case 'introduce':
      return execIntroduce(step, run);
    case 'call':
      return execCall(step, run);
    case 'emit':
      return execEmit(step, run);
    case 'goal':
      return execGoal(step, run);
    case 'exit':
      return execExit(step, run);
    case 'noop':
      return CONTINUE;
  }
}

/** Where to continue after a step the step log says already ran: its recorded output decides. */
export function replayStep(step: CompiledStep, output: unknown): Control {
  switch (step.kind) {
    case 'wait':
      return replayWait(step, output);
    case 'if':
      return replayIf(step, output);
    case 'split':
      return replaySplit(step, output);
    default:
      return CONTINUE;
  }
}
