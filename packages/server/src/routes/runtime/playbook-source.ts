import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Diagnostic,
  nodeHost,
  type PlaybookHost,
  type ValidateResult,
  validatePlaybookText,
} from '@kith/playbook';

const TEMPLATES = '@kith/templates/';
const HERE = join(dirname(fileURLToPath(import.meta.url)), 'here.yaml');

/**
 * How text sent over the API may `extend`: the built-in template library only. Nothing else on
 * the server's disk is reachable (a path in `extends` is not resolved), and only the files the
 * resolution itself named are read.
 */
function templateHost(): PlaybookHost {
  const allowed = new Set<string>();
  return {
    resolveTemplate(_from, spec) {
      if (!spec.startsWith(TEMPLATES) || spec.includes('..')) return undefined;
      const path = nodeHost.resolveTemplate(HERE, spec);
      if (path !== undefined) allowed.add(path);
      return path;
    },
    readFile(path) {
      if (!allowed.has(path))
        throw new Error('only the built-in templates (@kith/templates/…) can be extended here');
      return nodeHost.readFile(path);
    },
  };
}

/** Validates playbook text sent to the server (a draft or a `source`), following built-in templates. */
export function validateSource(source: string, name: string): ValidateResult {
  return validatePlaybookText(source, `${name}.yaml`, { host: templateHost() });
}

/** A diagnostic as one located line of a problem's `errors`. */
export function diagnosticLine(d: Diagnostic): string {
  return `${d.line}:${d.column} ${d.message} (${d.code})`;
}
