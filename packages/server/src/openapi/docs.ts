/**
 * The API reference page, rendered on the server from the OpenAPI document: one self-contained
 * HTML file (inline CSS, no script, no CDN) so it works offline.
 */
type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header{background:#1d2330;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.4rem}
main{max-width:980px;margin:0 auto;padding:1rem 2rem}
nav a{margin-right:.8rem}
h2{margin-top:2rem;border-bottom:1px solid #dde;padding-bottom:.3rem;text-transform:capitalize}
.op{background:#fff;border:1px solid #e3e6ea;border-radius:6px;margin:.6rem 0;padding:.6rem .9rem}
.m{display:inline-block;min-width:4.2rem;font-weight:700;font-family:ui-monospace,monospace}
.GET{color:#0a7a3f}.POST{color:#0b5cad}.PUT{color:#a35c00}.DELETE{color:#b3261e}.PATCH{color:#6b3fa0}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f3f5f7;padding:.6rem;overflow:auto;border-radius:4px}
.role{color:#5b6472;font-size:13px}summary{cursor:pointer}`;

function schemaBlock(title: string, schema: unknown): string {
  if (schema === undefined) return '';
  return `<details><summary>${esc(title)}</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`;
}

export function docsPage(doc: Json): string {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = ((op.tags as string[] | undefined) ?? ['other'])[0] ?? 'other';
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      const params = (op.parameters as Json[] | undefined)?.filter((p) => p.in === 'query') ?? [];
      const responses = (op.responses ?? {}) as Record<string, Json>;
      const success = Object.entries(responses).find(([s]) => s.startsWith('2'));
      const successSchema = (success?.[1].content as Record<string, Json> | undefined)?.['application/json']
        ?.schema;
      const html = `<div class="op"><span class="m ${esc(method.toUpperCase())}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code> — ${esc(op.summary)}
<div class="role">${esc(op.description)}</div>
${params.length > 0 ? `<div>Query: ${params.map((p) => `<code>${esc(p.name)}</code>`).join(', ')}</div>` : ''}
${schemaBlock('Request body', body?.['application/json']?.schema)}
${schemaBlock(`Response ${success?.[0] ?? ''}`, successSchema)}</div>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const info = (doc.info ?? {}) as Json;
  const tags = [...byTag.keys()].sort();
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} reference</title><style>${STYLE}</style></head><body>
<header><h1>${esc(info.title)} — reference</h1><div>${esc(info.description)} Machine-readable: <a style="color:#9cf" href="/openapi.json">/openapi.json</a></div></header>
<main><p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>application/problem+json</code> with <code>errors[].path</code> as JSON pointers.</p>
<nav>${tags.map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join('')}</nav>
${tags.map((t) => `<h2 id="${esc(t)}">${esc(t)}</h2>${(byTag.get(t) ?? []).join('\n')}`).join('\n')}
</main></body></html>`;
}
