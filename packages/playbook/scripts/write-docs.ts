// Writes docs/playbook-language.md, the language reference: hand-written prose from docs-src/ around
// sections generated from the JSON Schema (field tables, examples), the expression functions, the
// template filters, the variables and the diagnostic codes. `pnpm --filter @kith/playbook docs`;
// test/docs.test.ts fails when the committed file differs from what this produces.
//
// Section `x` takes docs-src/x.md (prose, before the generated part) and docs-src/examples/x.yaml
// (a fuller example, after it) when they exist; docs-src/intro.md opens the document.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { FUNCTION_DEFS } from '../src/expr/functions.js';
import { FUNCTIONS } from '../src/expr/index.js';
import { ID_PATTERN, PARAM_REF_PATTERN } from '../src/schema/common.js';
import { playbookJsonSchema } from '../src/schema/json.js';
import { STEP_KINDS } from '../src/schema/steps.js';
import { TEMPLATE_FILTERS } from '../src/template/index.js';
import type { IssueArgs } from '../src/validate/issue.js';
import { MESSAGES } from '../src/validate/messages.js';
import {
  EXPRESSION_ROOTS,
  extraTemplateRoots,
  MEMBER_FIELDS,
  TEMPLATE_ROOTS,
} from '../src/validate/variables.js';

/** The part of JSON Schema the playbook schema uses. */
interface S {
  type?: string;
  description?: string;
  examples?: unknown[];
  properties?: Record<string, S>;
  patternProperties?: Record<string, S>;
  items?: S;
  anyOf?: S[];
  required?: string[];
  const?: unknown;
  format?: string;
  pattern?: string;
  $ref?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  minProperties?: number;
  'x-kith-ref'?: string;
  'x-kith-keys'?: string;
  if?: { not?: { required?: string[] } };
  then?: { required?: string[] };
}

interface Section {
  title: string;
  /** The heading's GitHub anchor; checked against the title, linked from the validator's hints. */
  anchor: string;
  level: 2 | 3 | 4;
  /** Schema path (`/`-separated; `*` a map entry, `[]` a list item) of the construct shown here. */
  path?: string;
  /** How links to this construct read in the type column. */
  noun?: string;
  /** For a union: the branches this section shows. */
  only?: (branch: S) => boolean;
  /** Show only these fields. */
  fields?: string[];
  /** Step fields that go with this action (`then`/`else` with `if`). */
  siblings?: string[];
  /** Description and examples only, no table. */
  intro?: boolean;
  /** A generated section that is not a schema construct. */
  render?: () => string;
}

const SRC = fileURLToPath(new URL('../docs-src/', import.meta.url));
const OUT = fileURLToPath(new URL('../../../docs/playbook-language.md', import.meta.url));
const ROOT = playbookJsonSchema() as S;
const JOURNEY = 'stages/*/journeys/[]';
const STEP = `${JOURNEY}/steps/[]`;
/** The union branch written with this key first: `{ schedule: … }`. */
const startsWith = (key: string) => (b: S) => Object.keys(b.properties ?? {})[0] === key;

const SECTIONS: Section[] = [
  { title: 'Playbook', anchor: 'playbook', level: 2, path: '', noun: 'playbook' },
  { title: 'Params, extends and overrides', anchor: 'params-extends-and-overrides', level: 2 },
  { title: 'Params', anchor: 'params', level: 3, path: 'params/*', noun: 'parameter' },
  { title: 'Extends', anchor: 'extends', level: 3, path: 'extends', noun: 'extends' },
  { title: 'Overrides', anchor: 'overrides', level: 3, path: 'overrides' },
  { title: 'Secrets', anchor: 'secrets', level: 2, path: 'secrets/*', noun: 'secret' },
  { title: 'Channels and payments', anchor: 'channels-and-payments', level: 2 },
  { title: 'Channel', anchor: 'channel', level: 3, path: 'channels/*', noun: 'channel' },
  { title: 'Payment', anchor: 'payment', level: 3, path: 'payments/*', noun: 'payment' },
  { title: 'Community', anchor: 'community', level: 2 },
  { title: 'Entries', anchor: 'entries', level: 3, path: 'entries/*', noun: 'entry' },
  { title: 'Tiers', anchor: 'tiers', level: 3, path: 'tiers/*', noun: 'tier' },
  { title: 'Covenant', anchor: 'covenant', level: 3, path: 'covenant', noun: 'covenant' },
  {
    title: 'Moderation rules',
    anchor: 'moderation-rules',
    level: 3,
    path: 'covenant/rules/[]',
    noun: 'moderation rule',
  },
  { title: 'Groups', anchor: 'groups', level: 3, path: 'groups/*', noun: 'group pool' },
  { title: 'Offers', anchor: 'offers', level: 3, path: 'offers/*', noun: 'offer' },
  { title: 'Campaigns', anchor: 'campaigns', level: 3, path: 'offers/*/campaign', noun: 'campaign' },
  { title: 'Referrals', anchor: 'referrals', level: 3, path: 'referrals', noun: 'referrals' },
  { title: 'Rituals', anchor: 'rituals', level: 3, path: 'rituals/*', noun: 'ritual' },
  { title: 'Signals', anchor: 'signals', level: 3, path: 'signals/*', noun: 'signal' },
  { title: 'Delivery', anchor: 'delivery', level: 3, path: 'delivery', noun: 'delivery policy' },
  { title: 'Stages', anchor: 'stages', level: 2, path: 'stages/*', noun: 'stage' },
  { title: 'Journeys', anchor: 'journeys', level: 2, path: JOURNEY, noun: 'journey' },
  { title: 'Triggers', anchor: 'triggers', level: 3, path: `${JOURNEY}/on`, noun: 'trigger', intro: true },
  ...(
    [
      ['event', (b: S) => b.type === 'string' || startsWith('event')(b)],
      ['schedule', startsWith('schedule')],
      ['stage', startsWith('stage')],
      ['segment', startsWith('segment')],
      ['threshold', startsWith('threshold')],
    ] as const
  ).map(
    ([kind, only]): Section => ({
      title: `Trigger: \`${kind}\``,
      anchor: `trigger-${kind}`,
      level: 4,
      path: `${JOURNEY}/on`,
      only,
    }),
  ),
  { title: 'Re-entry', anchor: 're-entry', level: 3, path: `${JOURNEY}/reentry`, noun: 're-entry rule' },
  { title: 'Exit rules', anchor: 'exit-rules', level: 3, path: `${JOURNEY}/exit/[]`, noun: 'exit rule' },
  {
    title: 'Steps',
    anchor: 'steps',
    level: 2,
    path: STEP,
    noun: 'step',
    render: () =>
      [
        construct({ title: 'Steps', anchor: 'steps', level: 2, path: STEP, fields: ['id', 'name', 'note'] }),
        'Each step has exactly one action:',
        STEP_KINDS.map((k) => `- [\`${k}\`](#step-${k}): ${at(`${STEP}/${k}`).description}`).join('\n'),
      ].join('\n\n'),
  },
  ...STEP_KINDS.map(
    (kind): Section => ({
      title: `Step: \`${kind}\``,
      anchor: `step-${kind}`,
      level: 3,
      path: `${STEP}/${kind}`,
      siblings: { wait: ['onTimeout'], if: ['then', 'else'] }[kind as string],
    }),
  ),
  { title: 'Migrate', anchor: 'migrate', level: 2, path: 'migrate' },
  { title: 'Value formats', anchor: 'value-formats', level: 2 },
  { title: 'Expressions', anchor: 'expressions', level: 2 },
  { title: 'Functions', anchor: 'functions', level: 3, render: functionsTable },
  { title: 'Templates', anchor: 'templates', level: 2 },
  { title: 'Filters', anchor: 'filters', level: 3, render: filtersTable },
  { title: 'Variables', anchor: 'variables', level: 2, render: variablesTable },
  { title: 'Member fields', anchor: 'member-fields', level: 3, render: memberFieldsTable },
  { title: 'Diagnostics', anchor: 'diagnostics', level: 2 },
  { title: 'Diagnostic codes', anchor: 'diagnostic-codes', level: 3, render: diagnosticsTable },
];

// ------------------------------------------------------------------ schema → words

function at(path: string): S {
  let s = ROOT;
  for (const seg of path ? path.split('/') : []) {
    const next =
      seg === '[]'
        ? s.items
        : seg === '*'
          ? Object.values(s.patternProperties ?? {})[0]
          : s.properties?.[seg];
    if (!next) throw new Error(`write-docs: no schema at ${path} (${seg})`);
    s = next;
  }
  return s;
}

/** Construct schemas (by their JSON) → section, so type columns link to the construct. */
const LINKS = new Map(
  SECTIONS.filter((s) => s.path !== undefined && s.noun && !s.only).map((s) => [
    JSON.stringify(at(s.path!)),
    { noun: s.noun!, anchor: s.anchor },
  ]),
);
const linked = (s: S) => LINKS.has(JSON.stringify(s));

const KEY_WORDS: Record<string, string> = {
  [ID_PATTERN]: 'id',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'name',
  '^(.*)$': 'text',
};

const isParamRef = (s: S) => s.pattern === PARAM_REF_PATTERN;
const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

function typeOf(s: S, plural = false): string {
  const link = LINKS.get(JSON.stringify(s)) ?? (s.$ref ? { noun: 'step', anchor: 'steps' } : undefined);
  if (link) return `[${link.noun}${plural ? 's' : ''}](#${link.anchor})`;
  if (s.anyOf) {
    const branches = s.anyOf.filter((b) => !isParamRef(b));
    const words = branches.every((b) => 'const' in b)
      ? [`one of ${branches.map((b) => code(b.const)).join(', ')}`]
      : branches.map((b) => typeOf(b));
    if (branches.length < s.anyOf.length) words.push('`${params.x}`');
    return [...new Set(words)].join(' or ');
  }
  if ('const' in s) return code(s.const);
  if (s.type === 'array') return `list of ${typeOf(s.items!, true)}`;
  if (s.type === 'object' && s.patternProperties) {
    const [pattern, value] = Object.entries(s.patternProperties)[0]!;
    return `map of ${KEY_WORDS[pattern] ?? 'text'} → ${typeOf(value)}`;
  }
  const words: Record<string, string> = {
    string: 'text',
    integer: plural ? 'integers' : 'integer',
    number: plural ? 'numbers' : 'number',
    boolean: 'true or false',
    null: 'null',
    object: plural ? 'objects' : 'object',
  };
  return words[s.type ?? ''] ?? (plural ? 'any values' : 'any value');
}

const FORMAT_WORDS: Record<string, string> = {
  'kith-expression': '[expression](#expressions)',
  'kith-template': '[template](#templates)',
  'kith-duration': '[duration](#value-formats)',
  'kith-cron': '[cron schedule](#value-formats)',
  'kith-timezone': '[time zone](#value-formats)',
  'kith-currency': '[currency code](#value-formats)',
};

const REF_WORDS: Record<string, string> = {
  channels: 'a [channel](#channel)',
  payments: 'a [payment](#payment)',
  offers: 'an [offer](#offers)',
  tiers: 'a [tier](#tiers)',
  groups: 'a [group pool](#groups)',
  stages: 'a [stage](#stages)',
  plugins: 'a [channel or payment](#channels-and-payments)',
  rituals: 'a [ritual](#rituals)',
};

const PATTERN_WORDS: Record<string, string> = {
  [ID_PATTERN]: '[id](#value-formats)',
  '^[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*$': '[event name](#value-formats)',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': 'time of day `HH:MM`',
  '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$': 'BCP 47 language tag',
  '^(100|[0-9]{1,2})(\\.[0-9]{1,2})?%$': 'percentage, e.g. `2.5%`',
  '^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*(@[~^<>=*0-9A-Za-z.| -]+)?$':
    'plugin name, optionally `@` a version range',
};

/** Format, reference and range annotations of a field, in words. */
function notes(s: S): string[] {
  const out: string[] = [];
  if (s.format) out.push(FORMAT_WORDS[s.format] ?? `format \`${s.format}\``);
  if (s['x-kith-ref']) out.push(`names ${REF_WORDS[s['x-kith-ref']] ?? s['x-kith-ref']}`);
  if (s['x-kith-keys']) out.push(`keys name ${REF_WORDS[s['x-kith-keys']] ?? s['x-kith-keys']}`);
  if (s.pattern && !isParamRef(s)) out.push(PATTERN_WORDS[s.pattern] ?? `pattern \`${s.pattern}\``);
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum} to ${s.maximum}`);
  else if (s.minimum !== undefined) out.push(`at least ${s.minimum}`);
  else if (s.maximum !== undefined) out.push(`at most ${s.maximum}`);
  if (s.minItems !== undefined) out.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  if (s.minLength) out.push('not empty');
  if (s.minProperties) out.push(`at least ${s.minProperties} entr${s.minProperties === 1 ? 'y' : 'ies'}`);
  if (!linked(s)) for (const b of s.anyOf ?? []) out.push(...notes(b));
  if (s.items && !linked(s.items)) out.push(...notes(s.items).map((n) => `each: ${n}`));
  return [...new Set(out.filter(Boolean))];
}

const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Field rows of an object, nested objects flattened as `a.b` and `a[].b`. */
function fieldRows(s: S, prefix = '', only?: string[]): string[][] {
  const rows: string[][] = [];
  const unless = s.if?.not?.required?.[0];
  for (const [name, f] of Object.entries(s.properties ?? {})) {
    if (only && !only.includes(name)) continue;
    const required = s.required?.includes(name)
      ? 'yes'
      : s.then?.required?.includes(name) && unless
        ? `unless \`${unless}\``
        : '';
    rows.push([`\`${prefix}${name}\``, typeOf(f), required, notes(f).join('; '), f.description ?? '']);
    if (!linked(f) && f.properties) rows.push(...fieldRows(f, `${prefix}${name}.`));
    if (!linked(f) && f.items?.properties && !linked(f.items))
      rows.push(...fieldRows(f.items, `${prefix}${name}[].`));
  }
  return rows;
}

const FIELD_HEAD = ['Field', 'Type', 'Required', 'Format / reference', 'Description'];

// ------------------------------------------------------------------ examples

/** The YAML key a construct is written under, and how an example is placed under it. */
function place(path: string, example: unknown): unknown {
  const segs = path ? path.split('/') : [];
  let i = segs.length - 1;
  while (i >= 0 && (segs[i] === '*' || segs[i] === '[]')) i--;
  if (i < 0) return example;
  let v = example;
  for (let j = segs.length - 1; j > i; j--) {
    v = segs[j] === '[]' ? [v] : { [keyFor(at(segs.slice(0, j).join('/')), v)]: v };
  }
  return { [segs[i]!]: v };
}

/** The key of a map's own example whose entry looks most like this one, else `example`. */
function keyFor(map: S, entry: unknown): string {
  const sample = (map.examples?.[0] ?? {}) as Record<string, unknown>;
  const score = (v: unknown) =>
    Object.entries(entry as object).filter(
      ([k, x]) => JSON.stringify((v as Record<string, unknown>)?.[k]) === JSON.stringify(x),
    ).length;
  const scores = Object.keys(sample).map((k) => [k, score(sample[k])] as const);
  const best = Math.max(0, ...scores.map(([, n]) => n));
  const top = scores.filter(([, n]) => n === best);
  return best > 0 && top.length === 1 ? top[0]![0] : 'example';
}

const fence = (yaml: string) => `\`\`\`yaml\n${yaml.trimEnd()}\n\`\`\``;

function examples(path: string, s: S): string[] {
  return (s.examples ?? []).map((e) => fence(stringify(place(path, e), { lineWidth: 0 })));
}

/** Where in a playbook the construct is written, e.g. `stages.<id>.journeys[].on`. */
function where(path: string): string {
  if (!path) return 'the top level of the file';
  let out = '';
  const segs = path.split('/');
  segs.forEach((seg, i) => {
    const map = () => Object.keys(at(segs.slice(0, i).join('/')).patternProperties ?? {})[0] ?? '';
    out += seg === '[]' ? '[]' : seg === '*' ? `.<${KEY_WORDS[map()] ?? 'key'}>` : `${out ? '.' : ''}${seg}`;
  });
  return `\`${out}\``;
}

// ------------------------------------------------------------------ sections

function construct(sec: Section): string {
  const path = sec.path!;
  const s = at(path);
  const parts: string[] = [];
  const container = /\/?(\*|\[\])$/.test(path) ? at(path.replace(/\/?(\*|\[\])$/, '')) : undefined;
  const lead = [container?.description, sec.only ? undefined : s.description].filter(Boolean).join(' ');
  parts.push(`Written at ${where(path)}.${lead ? ` ${lead}` : ''}`);
  if (sec.intro) return [...parts, ...examples(path, s)].join('\n\n');
  const siblings = (sec.siblings ?? []).map((k) => {
    const f = at(`${STEP}/${k}`);
    return [`\`${k}\``, typeOf(f), '', notes(f).join('; '), f.description ?? ''];
  });
  const branches = (s.anyOf ?? []).filter((b) => !isParamRef(b) && (!sec.only || sec.only(b)));
  if (s.properties) {
    parts.push(table(FIELD_HEAD, [...fieldRows(s, '', sec.fields), ...siblings]));
    if (!sec.fields) parts.push(...examples(path, s));
    return parts.join('\n\n');
  }
  if (!branches.some((b) => b.properties)) {
    // A single value: its type in words, with a table only for list items and sibling fields.
    const key = path.split('/').at(-1)!;
    const rows = s.items?.properties ? fieldRows(s.items, `${key}[].`) : [];
    const typed = `Type: ${typeOf(s)}${notes(s).length ? ` (${notes(s).join('; ')})` : ''}.`;
    parts.push(typed);
    if (rows.length || siblings.length) parts.push(table(FIELD_HEAD, [...rows, ...siblings]));
    return [...parts, ...examples(path, s)].join('\n\n');
  }
  // A union with an object form: a table of its literal values, then each other form.
  const literals = branches.filter((b) => 'const' in b);
  if (literals.length) {
    parts.push(
      table(
        ['Value', 'Meaning'],
        literals.map((b) => [code(b.const), b.description ?? '']),
      ),
    );
  }
  for (const b of branches.filter((b) => !('const' in b))) {
    const intro = b.properties
      ? `**${b.description}**`
      : `**${b.description}** Written as ${typeOf(b)}${notes(b).length ? ` (${notes(b).join('; ')})` : ''}.`;
    parts.push(intro);
    if (b.properties) parts.push(table(FIELD_HEAD, fieldRows(b)));
    parts.push(...examples(path, b));
  }
  if (siblings.length) parts.push('Beside it in the step:', table(FIELD_HEAD, siblings));
  return parts.join('\n\n');
}

function functionsTable(): string {
  return table(
    ['Function', 'Method form', 'Description'],
    Object.entries(FUNCTIONS).map(([name, f]) => {
      const def = FUNCTION_DEFS[name];
      const method = def?.method ? `\`x.${name}(${def.maxArgs > 1 ? '…' : ''})\`` : '';
      return [`\`${f.signature}\``, method, f.description];
    }),
  );
}

interface Descriptions {
  filters: Record<string, string>;
  roots: Record<string, string>;
  member: Record<string, string>;
}

const descriptions = () => parse(readFileSync(`${SRC}descriptions.yaml`, 'utf8')) as Descriptions;

function filtersTable(): string {
  const own = descriptions().filters;
  const standard = TEMPLATE_FILTERS.filter((f) => !(f in own));
  return [
    'Kith’s own filters:',
    table(
      ['Filter', 'Description'],
      TEMPLATE_FILTERS.filter((f) => f in own).map((f) => [`\`${f}\``, own[f]!]),
    ),
    `The standard [Liquid filters](https://liquidjs.com/filters/overview.html) are also available: ${standard
      .map((f) => `\`${f}\``)
      .join(', ')}. Any other filter is an error.`,
  ].join('\n\n');
}

/** Places whose message text has extra variables, with a sample path of each. */
const PLACES: [string, (string | number)[]][] = [
  [
    'the `text` of an `offer` step, and `offers`',
    ['stages', 's', 'journeys', 0, 'steps', 0, 'offer', 'text'],
  ],
  ['the `text` of an `introduce` step', ['stages', 's', 'journeys', 0, 'steps', 0, 'introduce', 'text']],
  ['`rituals`', ['rituals', 'r', 'announce']],
  ['the `name` of a group pool', ['groups', 'g', 'name']],
  ['`covenant`', ['covenant', 'text']],
];

function variablesTable(): string {
  const { roots } = descriptions();
  const rows = new Map<string, string[]>();
  const add = (root: string, place: string) => rows.set(root, [...(rows.get(root) ?? []), place]);
  for (const r of TEMPLATE_ROOTS)
    add(
      r,
      (EXPRESSION_ROOTS as readonly string[]).includes(r) ? 'conditions and message text' : 'message text',
    );
  for (const r of EXPRESSION_ROOTS) if (!rows.has(r)) add(r, 'conditions');
  for (const [label, sample] of PLACES)
    for (const r of extraTemplateRoots(sample)) add(r, `message text in ${label}`);
  return table(
    ['Variable', 'Available in', 'Meaning'],
    [...rows].map(([r, places]) => [`\`${r}\``, places.join('; '), roots[r] ?? '']),
  );
}

function memberFieldsTable(): string {
  const { member } = descriptions();
  return table(
    ['Field', 'Meaning'],
    MEMBER_FIELDS.map((f) => [`\`member.${f}\``, member[f] ?? '']),
  );
}

function diagnosticsTable(): string {
  // Placeholders show where a message takes a value: `{name}`.
  const args = new Proxy({} as IssueArgs, { get: (_, k) => (typeof k === 'string' ? `{${k}}` : undefined) });
  const zh = (text: string) => text.replace(/\{(\w+)Zh\}/g, '{$1}');
  return table(
    ['Code', 'Severity', 'Message', 'Hint', '中文'],
    Object.entries(MESSAGES).map(([c, m]) => [
      `\`${c}\``,
      m.severity,
      m.en(args),
      m.hint(args),
      `${zh(m.zh(args))}<br>${zh(m.zhHint(args))}`,
    ]),
  );
}

// ------------------------------------------------------------------ the document

/** GitHub's heading anchor. */
export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

function prose(name: string): string | undefined {
  const file = `${SRC}${name}`;
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** The reference as Markdown. Reads docs-src/ and the schema; writes nothing. */
export function renderDocs(): string {
  const anchors = new Set(SECTIONS.map((s) => s.anchor));
  const extra = [
    ...readdirSync(SRC).filter((f) => f.endsWith('.md') && f !== 'intro.md' && !anchors.has(f.slice(0, -3))),
    ...readdirSync(`${SRC}examples`).filter((f) => !anchors.has(f.replace(/\.yaml$/, ''))),
  ];
  if (extra.length) throw new Error(`write-docs: docs-src files that match no section: ${extra.join(', ')}`);
  const body: string[] = [];
  for (const sec of SECTIONS) {
    if (slug(sec.title) !== sec.anchor) throw new Error(`write-docs: "${sec.title}" is not #${sec.anchor}`);
    const parts = [`${'#'.repeat(sec.level)} ${sec.title}`];
    const text = prose(`${sec.anchor}.md`);
    if (text) parts.push(text);
    if (sec.render) parts.push(sec.render());
    else if (sec.path !== undefined) parts.push(construct(sec));
    const example = prose(`examples/${sec.anchor}.yaml`);
    if (example) parts.push('A fuller example:', fence(example));
    body.push(parts.join('\n\n'));
  }
  // Contents: the second- and third-level headings of the body (not those inside examples).
  const toc = [
    ...body
      .join('\n\n')
      .replace(/^```[\s\S]*?^```$/gm, '')
      .matchAll(/^(##|###) (.+)$/gm),
  ].map(([, level, title]) => `${level === '###' ? '  ' : ''}- [${title}](#${slug(title!)})`);
  const head =
    '<!-- Generated by packages/playbook/scripts/write-docs.ts from the schema and packages/playbook/docs-src/; edit those, then run `pnpm --filter @kith/playbook docs`. -->';
  return `${[head, prose('intro.md'), '## Contents', toc.join('\n'), ...body].join('\n\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OUT, renderDocs());
  console.log(`wrote ${OUT}`);
}
