/** @kith/sdk/scaffold — the files of a new channel plugin, for `kith plugin new`. */
export {
  type ResolvedScaffold,
  resolveScaffold,
  SCAFFOLD_NAME_PATTERN,
  type ScaffoldOptions,
} from './options.js';
export { type ScaffoldFile, scaffoldChannelPlugin } from './scaffold.js';
