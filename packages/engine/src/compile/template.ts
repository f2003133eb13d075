import { parseTemplate, renderTemplate } from '@kith/playbook/browser';
import type { Render } from './types.js';

const hasOwn = Object.prototype.hasOwnProperty;
const OUTPUT = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\s*\}\}/g;
/** Names Liquid treats specially on arrays and strings; such paths always take the full renderer. */
const SPECIAL = new Set(['size', 'first', 'last']);

type Part = string | readonly string[];

function lookup(scope: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = scope;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !hasOwn.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * Splits `Hello {{ member.name }}!` into literals and variable paths, or returns null when the
 * template uses anything else (tags, filters, whitespace control), which Liquid must render.
 */
function simpleParts(source: string): Part[] | null {
  const parts: Part[] = [];
  let last = 0;
  for (const m of source.matchAll(OUTPUT)) {
    const path = m[1]!.split('.');
    if (path.some((k) => SPECIAL.has(k) || k === '__proto__' || k === 'constructor' || k === 'prototype'))
      return null;
    parts.push(source.slice(last, m.index), path);
    last = m.index + m[0].length;
  }
  parts.push(source.slice(last));
  for (const p of parts) if (typeof p === 'string' && (p.includes('{{') || p.includes('{%'))) return null;
  return parts;
}

/**
 * A message template parsed once. Text with no markup is a constant; text whose only markup is
 * `{{ a.b.c }}` with scalar values is filled in directly (a million members' welcome messages
 * should not each pay for a Liquid render); anything else — and any non-scalar value — goes
 * through @kith/playbook's Liquid renderer, so the output is always what Liquid would produce.
 */
export function compileTemplate(source: string): Render | { error: string } {
  if (!source.includes('{{') && !source.includes('{%')) return () => source;
  const parsed = parseTemplate(source);
  if (!parsed.ok) return { error: parsed.error.message };
  const full: Render = (scope) => renderTemplate(source, scope);
  const parts = simpleParts(source);
  if (parts === null) return full;
  return (scope) => {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const v = lookup(scope, p);
      if (v === undefined || v === null) continue;
      const t = typeof v;
      if (t === 'string' || t === 'number' || t === 'boolean') out += String(v);
      else return full(scope);
    }
    return out;
  };
}
