import { register } from 'node:module';

/**
 * The repository's vitest config resolves the `source` export condition (so workspace packages
 * run from their .ts sources), and vitest passes it to Node as `--conditions source`. Some
 * third-party packages built with tshy (alipay-sdk, ylru under urllib) publish `source` too,
 * pointing at .ts files Node cannot load. This resolve hook drops the condition for imports made
 * from inside node_modules, so dependencies get their built JavaScript. Test-only: outside
 * vitest nothing passes `--conditions source`.
 */
const hook = `
export async function resolve(specifier, context, next) {
  if (context.parentURL?.includes('/node_modules/') && context.conditions.includes('source')) {
    return next(specifier, { ...context, conditions: context.conditions.filter((c) => c !== 'source') });
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
