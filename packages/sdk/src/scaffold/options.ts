/** What a channel plugin scaffold is made from. */
export interface ScaffoldOptions {
  /** Plugin name as playbooks `use:` it: lower-case, e.g. `line`. */
  name: string;
  /** npm package name; default `@kith/channel-<name>`. */
  packageName?: string;
  /** Shown in the editor; default: the name capitalised. */
  displayName?: string;
  /**
   * Relative path from the package to the repository's `tsconfig.base.json`, when generated
   * inside the Kith workspace; null for a standalone package.
   */
  tsconfigBase?: string | null;
  /** Relative path from the package to `packages/sdk`, for the TypeScript project reference. */
  sdkReference?: string | null;
  /** The `@kith/sdk` version range for a standalone package (`workspace:` ranges inside the repo). */
  sdkRange?: string;
}

export interface ResolvedScaffold {
  name: string;
  packageName: string;
  displayName: string;
  /** PascalCase of the name, for identifiers: `Line`. */
  pascal: string;
  /** camelCase of the name: `line`. */
  camel: string;
  tsconfigBase: string | null;
  sdkReference: string | null;
  sdkRange: string;
}

export const SCAFFOLD_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function resolveScaffold(o: ScaffoldOptions): ResolvedScaffold {
  if (!SCAFFOLD_NAME_PATTERN.test(o.name)) {
    throw new RangeError(
      `plugin name '${o.name}' must be lower-case words joined by '-' (e.g. 'line', 'whatsapp-cloud')`,
    );
  }
  const words = o.name.split('-');
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const inRepo = o.tsconfigBase !== undefined && o.tsconfigBase !== null;
  return {
    name: o.name,
    packageName: o.packageName ?? `@kith/channel-${o.name}`,
    displayName: o.displayName ?? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '),
    pascal,
    camel: pascal[0]!.toLowerCase() + pascal.slice(1),
    tsconfigBase: o.tsconfigBase ?? null,
    sdkReference: o.sdkReference ?? null,
    sdkRange: o.sdkRange ?? (inRepo ? 'workspace:*' : '^0.1.0'),
  };
}
