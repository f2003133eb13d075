import { type Diagnostic, sortDiagnostics } from '../diagnostics.js';
import { loadYaml, Origins } from '../load/source.js';
import type { SimulationProfile } from '../schema/simulation.js';
import type { PlaybookTest } from '../schema/testcase.js';
import { isIsoDateTime } from '../values/calendar.js';
import { toDiagnostic } from './diagnose.js';
import { type Issue, pathIssue } from './issue.js';
import { isRecord } from './resolve.js';
import { checkSchema } from './schema-check.js';

export interface DocumentResult<T> {
  file: string;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  /** The document, present when there are no errors. */
  value: T | undefined;
}

function loadDocument<T>(
  text: string,
  file: string,
  kind: 'test' | 'simulation',
  extra: (v: Record<string, unknown>) => Issue[],
): DocumentResult<T> {
  const origins = new Origins();
  const loaded = loadYaml(text, file, origins);
  const diagnostics = loaded.issues.map((i) => toDiagnostic(i, { source: loaded.source }));
  const value = loaded.value;
  if (value !== undefined) {
    if (!isRecord(value)) {
      diagnostics.push(
        toDiagnostic(
          {
            code: 'wrong-type',
            at: { offset: 0, endOffset: 1 },
            args: {
              where: 'the file',
              whereZh: '文件',
              expected: 'a mapping',
              expectedZh: '映射',
              actual: typeof value,
              actualZh: typeof value,
              example: '',
            },
          },
          { source: loaded.source },
        ),
      );
    } else {
      for (const issue of [...checkSchema(value, kind), ...extra(value)]) {
        diagnostics.push(toDiagnostic(issue, { source: loaded.source, root: value, origins }));
      }
    }
  }
  const ok = value !== undefined && !diagnostics.some((d) => d.severity === 'error');
  return {
    file,
    diagnostics: sortDiagnostics(diagnostics),
    sources: new Map([[file, text]]),
    value: ok ? (value as T) : undefined,
  };
}

function startIssues(v: Record<string, unknown>): Issue[] {
  return typeof v.start === 'string' && !isIsoDateTime(v.start)
    ? [pathIssue('invalid-time', ['start'], { value: v.start })]
    : [];
}

/** Load and check a playbook test file (`*.test.yaml`), with positioned diagnostics. */
export function validateTestText(text: string, file: string): DocumentResult<PlaybookTest> {
  return loadDocument<PlaybookTest>(text, file, 'test', (v) => {
    const issues = startIssues(v);
    const members = isRecord(v.members) ? v.members : {};
    if (Array.isArray(v.timeline)) {
      for (const [i, item] of v.timeline.entries()) {
        if (isRecord(item) && typeof item.member === 'string' && !(item.member in members)) {
          issues.push(
            pathIssue('unknown-reference', ['timeline', i, 'member'], {
              kind: 'member',
              kindZh: '成员',
              name: item.member,
              section: 'members',
              suggestion: '',
              known: Object.keys(members).join(', '),
            }),
          );
        }
      }
    }
    return issues;
  });
}

/** Load and check a simulation profile (`simulation.yaml`), with positioned diagnostics. */
export function validateSimulationText(text: string, file: string): DocumentResult<SimulationProfile> {
  return loadDocument<SimulationProfile>(text, file, 'simulation', startIssues);
}
