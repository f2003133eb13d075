import { dirname, join, resolve, sep } from 'node:path';
import type { PlaybookHost } from '@kith/playbook';
import { readPlaybookFile } from '@kith/playbook';
import { AGENCY_PREFIX, BUILTIN_PREFIX, builtinTemplatesDir } from './templates.js';

/** Virtual file names: a tenant's draft, and an agency template, as `extends` and diagnostics see them. */
export const draftFile = (tenant: string, playbook: string) => `tenants/${tenant}/${playbook}.yaml`;
const agencyFile = (id: string) => `agency-templates/${id}.yaml`;
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * How `extends:` is followed on the server: `@kith/templates/<id>` to the built-in library,
 * `@agency/<id>` to the calling agency's templates (read before validating: the validator is
 * synchronous). Nothing else on disk is reachable: a playbook sent over HTTP must not read files.
 */
export function serverPlaybookHost(agencyTemplates: ReadonlyMap<string, string>): PlaybookHost {
  const builtin = builtinTemplatesDir();
  return {
    readFile(path) {
      if (path.startsWith('agency-templates/')) {
        const id = path.slice('agency-templates/'.length, -'.yaml'.length);
        const text = agencyTemplates.get(id);
        if (text === undefined) throw new Error(`the agency has no template '${id}'`);
        return text;
      }
      if (path.startsWith(builtin)) return readPlaybookFile(path);
      throw new Error(`${path} cannot be read on the server; extend @kith/templates/<id> or @agency/<id>`);
    },
    resolveTemplate(from, spec) {
      // a built-in template may build on another one next to it
      if (spec.startsWith('.') && from.startsWith(builtin + sep)) {
        const target = resolve(dirname(from), spec);
        const file = target.endsWith('.yaml') ? target : join(target, 'playbook.yaml');
        return file.startsWith(builtin + sep) ? file : undefined;
      }
      if (spec.startsWith(BUILTIN_PREFIX)) {
        const id = spec.slice(BUILTIN_PREFIX.length);
        return ID.test(id) ? join(builtin, id, 'playbook.yaml') : undefined;
      }
      if (spec.startsWith(AGENCY_PREFIX)) {
        const id = spec.slice(AGENCY_PREFIX.length);
        return ID.test(id) && agencyTemplates.has(id) ? agencyFile(id) : undefined;
      }
      return undefined;
    },
  };
}
