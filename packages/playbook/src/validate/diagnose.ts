import type { Diagnostic, Severity } from '../diagnostics.js';
import { locate } from '../load/locate.js';
import { type Origins, type SourceFile, spanOf } from '../load/source.js';
import type { Issue } from './issue.js';
import { messageFor } from './messages.js';

/** Word an issue and place it: an offset issue in `source`, a path issue through the origins. */
export function toDiagnostic(
  issue: Issue,
  ctx: { source: SourceFile; root?: unknown; origins?: Origins },
): Diagnostic {
  const entry = messageFor(issue.code);
  let source = ctx.source;
  let span: Diagnostic;
  let path = '';
  if ('offset' in issue.at) {
    span = spanOf(source, issue.at.offset, issue.at.endOffset) as Diagnostic;
  } else {
    const segments = issue.at.path;
    path = segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
    if (ctx.origins) {
      const loc = locate(ctx.root, ctx.origins, source, segments, {
        key: issue.at.key,
        within: issue.at.within,
      });
      source = loc.source;
      span = loc.span as Diagnostic;
    } else {
      span = spanOf(source, 0, 0) as Diagnostic;
    }
  }
  // A second place named in the args (the first use of a duplicate id) is given as a line.
  if (typeof issue.args.firstPath === 'string' && ctx.origins) {
    const segs = issue.args.firstPath.split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const first = locate(ctx.root, ctx.origins, ctx.source, segs);
    issue = {
      ...issue,
      args: {
        ...issue.args,
        firstLine: first.source === source ? first.span.line : `${first.source.file}:${first.span.line}`,
      },
    };
  }
  const severity: Severity = issue.severity ?? entry.severity;
  return {
    severity,
    code: issue.code,
    message: entry.en(issue.args),
    hint: entry.hint(issue.args),
    zh: { message: entry.zh(issue.args), hint: entry.zhHint(issue.args) },
    file: source.file,
    path,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
    offset: span.offset,
    endOffset: span.endOffset,
  };
}
