/**
 * The benchmark's own arguments: `pnpm --filter @kith/bench <name> -- --runs 5` passes the `--`
 * on, which `parseArgs` would take for the end of options.
 */
export function benchArgs(): string[] {
  const args = process.argv.slice(2);
  return args[0] === '--' ? args.slice(1) : args;
}
