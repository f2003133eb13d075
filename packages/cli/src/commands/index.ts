import type { Command } from '../command.js';
import pluginNew from './plugin-new.js';
import serve from './serve.js';
import simulate from './simulate.js';
import test from './test.js';
import validate from './validate.js';
import worker from './worker.js';

/**
 * Every `kith` subcommand, in the order `kith --help` lists them. To add one: write
 * `src/commands/<name>.ts` default-exporting `defineCommand({...})` and add it here.
 * Nested commands use a space in `name` (`plugin new`) and may live in `src/commands/plugin-new.ts`.
 */
export const commands: readonly Command[] = [validate, test, simulate, serve, worker, pluginNew];
