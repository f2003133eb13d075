/** Catalogue names and npm package names (scoped or not), as `use:` names them. */
export const PLUGIN_NAME_PATTERN = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const MAX_NAME_LENGTH = 214; // npm's limit

export function isPluginName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_NAME_LENGTH && PLUGIN_NAME_PATTERN.test(name);
}
