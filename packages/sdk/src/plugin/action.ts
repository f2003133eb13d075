import type { Static, TObject, TSchema, TUnknown } from '@sinclair/typebox';
import type { PluginContext } from '../context/types.js';
import { precompile } from '../schema/check.js';
import { DefinitionError } from './definition-error.js';

/** An action name as playbooks write it in `call: { plugin, action }`. */
export const ACTION_NAME_PATTERN = /^[a-z][a-zA-Z0-9_-]{0,63}$/;

/** A defined action; `run` receives input the host already checked against `input`. */
export interface PluginAction<C> {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly input: TObject;
  readonly output: TSchema | null;
  /** The config schema the action was written against; `definePlugin` checks it is the plugin's. */
  readonly config: TSchema;
  run(ctx: PluginContext<C>, input: Readonly<Record<string, unknown>>): Promise<unknown>;
}

export interface ActionDefinition<CS extends TSchema, I extends TObject, O extends TSchema> {
  /** The plugin's config schema (the same object): it types `ctx.config`. */
  config: CS;
  name: string;
  displayName?: string;
  /** One sentence for the editor's action picker and the catalogue. */
  description: string;
  input: I;
  output?: O;
  run(ctx: PluginContext<Static<CS>>, input: Static<I>): Promise<Static<O>>;
}

/** The mistakes an action definition can have, as sentences (empty when none). */
export function actionProblems(def: {
  name?: unknown;
  description?: unknown;
  input?: unknown;
  run?: unknown;
}): string[] {
  const problems: string[] = [];
  const name = typeof def.name === 'string' ? def.name : '';
  if (!ACTION_NAME_PATTERN.test(name)) {
    problems.push(`action name '${String(def.name)}' must match ${ACTION_NAME_PATTERN} (e.g. 'sendSticker')`);
  }
  if (typeof def.description !== 'string' || def.description.trim() === '') {
    problems.push(`action '${name}' needs a description`);
  }
  const input = def.input as { type?: unknown } | undefined;
  if (input === undefined || input === null || input.type !== 'object') {
    problems.push(`action '${name}' input must be an object schema (Type.Object({...}))`);
  }
  if (typeof def.run !== 'function') problems.push(`action '${name}' needs a run(ctx, input) function`);
  return problems;
}

/**
 * Defines one action (one per file). Input is typed from the declared schema, so `run` never
 * looks inputs up by string and casts.
 * @example
 * export const pinMessage = defineAction({
 *   config: Config,
 *   name: 'pinMessage',
 *   description: 'Pin a message in a group.',
 *   input: Type.Object({ group: Type.String({ description: 'Group id' }), messageId: Type.String({ description: 'Message' }) }),
 *   async run(ctx, input) { … },
 * });
 */
export function defineAction<CS extends TSchema, I extends TObject, O extends TSchema = TUnknown>(
  def: ActionDefinition<CS, I, O>,
): PluginAction<Static<CS>> {
  const problems = actionProblems(def);
  if (problems.length > 0) throw new DefinitionError(`defineAction(${String(def.name)})`, problems);
  precompile(def.input);
  if (def.output !== undefined) precompile(def.output);
  return Object.freeze({
    name: def.name,
    displayName: def.displayName ?? def.name,
    description: def.description,
    input: def.input,
    output: def.output ?? null,
    config: def.config,
    // The host checks input against `def.input` before calling, which is what makes this sound.
    run: def.run as PluginAction<Static<CS>>['run'],
  });
}
