import { parseTemplate, renderTemplate } from '@kith/playbook/browser';
import type { Render } from './types.js';

const hasOwn = Object.prototype.hasOwnProperty;
const PATH = '[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_-]*)*';
/** `{{ a.b }}`, or `{{ a.b | money }}` with an optional path or quoted currency argument. */
const OUTPUT = new RegExp(
  `\\{\\{\\s*(${PATH})\\s*(?:\\|\\s*money\\s*(?::\\s*(${PATH}|'[^'\\\\{}]*'|"[^"\\\\{}]*")\\s*)?)?\\}\\}`,
  'g',
);
/** Names Liquid treats specially on arrays and strings; such paths always take the full renderer. */
const SPECIAL = new Set(['size', 'first', 'last']);

/** `{{ amount | money: currency }}`: the currency a path, a literal, or absent (`null`). */
interface MoneyPart {
  amount: readonly string[];
  currency: readonly string[] | { literal: string } | null;
}

type Part = string | readonly string[] | MoneyPart;

/**
 * Outputs of the `money` filter by argument, rendered once by Liquid with @kith/playbook's own
 * filter (so the text is always Liquid's) and then reused: prices are a handful of values, and
 * a checkout message per member otherwise costs a full Liquid render.
 */
const moneyTexts = new Map<string | number, Map<string | undefined, string>>();
let moneyTextCount = 0;

function moneyText(amount: string | number, currency: string | undefined, withArg: boolean): string {
  let byCurrency = moneyTexts.get(amount);
  if (byCurrency === undefined) {
    // bounded: amounts come from events too, and a long run must not keep every one
    if (moneyTextCount >= 1000) {
      moneyTexts.clear();
      moneyTextCount = 0;
    }
    byCurrency = new Map();
    moneyTexts.set(amount, byCurrency);
  }
  // `withArg` false only with `currency` undefined; the two forms render alike, but stay apart
  const key = withArg ? currency : '\u0000';
  let text = byCurrency.get(key);
  if (text === undefined) {
    text = withArg
      ? renderTemplate(
          '{{ a | money: c }}',
          currency === undefined ? { a: amount } : { a: amount, c: currency },
        )
      : renderTemplate('{{ a | money }}', { a: amount });
    byCurrency.set(key, text);
    moneyTextCount++;
  }
  return text;
}

function lookup(scope: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = scope;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !hasOwn.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function safePath(path: readonly string[]): boolean {
  return !path.some((k) => SPECIAL.has(k) || k === '__proto__' || k === 'constructor' || k === 'prototype');
}

/**
 * Splits `Hello {{ member.name }}, {{ price | money: offer.currency }}!` into literals, variable
 * paths and money outputs, or returns null when the template uses anything else (tags, other
 * filters, whitespace control), which Liquid must render.
 */
function simpleParts(source: string): Part[] | null {
  const parts: Part[] = [];
  let last = 0;
  for (const m of source.matchAll(OUTPUT)) {
    const path = m[1]!.split('.');
    if (!safePath(path)) return null;
    const piped = m[0].includes('|');
    let part: Part = path;
    if (piped) {
      const arg = m[2];
      let currency: MoneyPart['currency'] = null;
      if (arg !== undefined && (arg[0] === "'" || arg[0] === '"')) currency = { literal: arg.slice(1, -1) };
      else if (arg !== undefined) {
        currency = arg.split('.');
        if (!safePath(currency)) return null;
      }
      part = { amount: path, currency };
    }
    parts.push(source.slice(last, m.index), part);
    last = m.index + m[0].length;
  }
  parts.push(source.slice(last));
  for (const p of parts) if (typeof p === 'string' && (p.includes('{{') || p.includes('{%'))) return null;
  return parts;
}

/** A money output filled in, or null when a value is not a plain one (Liquid must render it). */
function renderMoney(p: MoneyPart, scope: Record<string, unknown>): string | null {
  const amount = lookup(scope, p.amount);
  if (typeof amount !== 'number' && typeof amount !== 'string') return null;
  const c = p.currency;
  if (c === null) return moneyText(amount, undefined, false);
  const currency = 'literal' in c ? c.literal : lookup(scope, c);
  if (currency !== undefined && typeof currency !== 'string') return null;
  return moneyText(amount, currency, true);
}

/**
 * A message template parsed once. Text with no markup is a constant; text whose only markup is
 * `{{ a.b.c }}` (or `{{ a.b | money: c.d }}`) with scalar values is filled in directly (a million members' welcome messages
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
      if (!Array.isArray(p)) {
        const text = renderMoney(p as MoneyPart, scope);
        if (text === null) return full(scope);
        out += text;
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
