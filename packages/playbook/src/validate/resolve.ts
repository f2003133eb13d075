import { YAMLMap } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { fastLoadYaml } from '../load/fast-load.js';
import { loadYaml, Origins, type SourceFile } from '../load/source.js';
import { PARAM_REF_PATTERN } from '../schema/common.js';
import { parseDuration } from '../values/duration.js';
import { toDiagnostic } from './diagnose.js';
import { type Issue, pathIssue } from './issue.js';
import { listOf, suggest } from './suggest.js';

/** How the resolver reaches files: the Node host reads the disk, the editor serves its own. */
export interface PlaybookHost {
  /** The text of a file; throw an Error whose message says why it cannot be read. */
  readFile(path: string): string;
  /** Absolute path of a template named in `extends` (a relative path or a package), or undefined. */
  resolveTemplate(fromFile: string, spec: string): string | undefined;
}

export interface Resolution {
  /** The playbook with templates merged and parameters substituted; undefined if unreadable. */
  value: Record<string, unknown> | undefined;
  /** Parameter values in force (given or default). */
  params: Record<string, unknown>;
  diagnostics: Diagnostic[];
  /** Issues at JSON paths of `value`, located by `finish`. */
  issues: Issue[];
  origins: Origins;
  root: SourceFile;
  sources: Map<string, SourceFile>;
}

const PARAM_REF = new RegExp(PARAM_REF_PATTERN);
const PARAM_IN_TEXT = /\$\{params\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * On the fast path a file's root mapping gets this stand-in origin: what reports only when it has
 * an origin (overrides, parameters) then still reports, with no position, so the caller knows to
 * go the full way.
 */
const NO_NODE = new YAMLMap();

/** The fast path met what it does not take on: go the full way. */
class FastPathRefused extends Error {}

/**
 * Read a playbook, follow `extends` through its templates and merge them, then fill in params.
 * With `fast`, files are read by the CST fast loader without positions: the result is undefined
 * when a file needs the full loader, and its diagnostics (if any) are not positioned.
 */
export function resolvePlaybook(
  file: string,
  text: string,
  host: PlaybookHost | undefined,
  fast: true,
): Resolution | undefined;
export function resolvePlaybook(
  file: string,
  text: string,
  host: PlaybookHost | undefined,
  fast?: false,
): Resolution;
export function resolvePlaybook(
  file: string,
  text: string,
  host: PlaybookHost | undefined,
  fast = false,
): Resolution | undefined {
  try {
    return resolveWith(file, text, host, fast);
  } catch (e) {
    if (e instanceof FastPathRefused) return undefined;
    throw e;
  }
}

/**
 * `resolvePlaybook` for a playbook already read (with origins recorded in `origins`): follows
 * `extends` and fills in params exactly as `resolvePlaybook` does after reading the text.
 */
export function resolveLoaded(
  file: string,
  root: { source: SourceFile; value: unknown },
  origins: Origins,
  host: PlaybookHost | undefined,
): Resolution {
  return resolveWith(file, root.source.text, host, false, { ...root, origins });
}

function resolveWith(
  file: string,
  text: string,
  host: PlaybookHost | undefined,
  fast: boolean,
  loaded?: { source: SourceFile; value: unknown; origins: Origins },
): Resolution {
  const origins = loaded?.origins ?? new Origins();
  const sources = new Map<string, SourceFile>();
  const diagnostics: Diagnostic[] = [];
  const issues: Issue[] = [];

  const read = (path: string, content: string) => {
    if (fast) {
      const quick = fastLoadYaml(content);
      if (!quick) throw new FastPathRefused();
      const source: SourceFile = { file: path, text: content, doc: undefined };
      sources.set(path, source);
      if (isRecord(quick.value)) origins.set(quick.value, { source, node: NO_NODE });
      return { source, value: quick.value, issues: [] as Issue[] };
    }
    const loaded = loadYaml(content, path, origins);
    sources.set(path, loaded.source);
    for (const issue of loaded.issues) diagnostics.push(toDiagnostic(issue, { source: loaded.source }));
    return loaded;
  };

  let rootLoad: { source: SourceFile; value: unknown };
  if (loaded) {
    sources.set(file, loaded.source);
    rootLoad = loaded;
  } else {
    rootLoad = read(file, text);
  }
  const root = rootLoad.source;
  const result: Resolution = { value: undefined, params: {}, diagnostics, issues, origins, root, sources };
  if (rootLoad.value === undefined) return result;
  if (!isRecord(rootLoad.value)) {
    diagnostics.push(
      toDiagnostic({ code: 'not-a-playbook', at: { offset: 0, endOffset: 1 }, args: {} }, { source: root }),
    );
    return result;
  }

  // Follow the extends chain: [root, its template, the template's template, …].
  const chain: { file: string; value: Record<string, unknown>; source: SourceFile }[] = [
    { file, value: rootLoad.value, source: root },
  ];
  const givenParams: {
    name: string;
    value: unknown;
    path: (string | number)[];
    holder: Record<string, unknown>;
  }[] = [];
  // Set when `extends` cannot be followed: the playbook is then checked without its template, and
  // nothing that only the template would provide (name, stages, parameters) is reported missing.
  let broken = false;
  for (;;) {
    const current = chain.at(-1)!;
    const ext = current.value.extends;
    if (ext === undefined) break;
    const spec =
      typeof ext === 'string' ? ext : isRecord(ext) && typeof ext.from === 'string' ? ext.from : undefined;
    const locateIn = { source: current.source, root: current.value, origins };
    if (spec === undefined) {
      broken = true;
      // The schema check reports the shape in the playbook itself; a template's is reported here.
      if (chain.length > 1) {
        diagnostics.push(
          toDiagnostic(
            pathIssue('extends-not-found', ['extends'], {
              spec: JSON.stringify(ext) ?? '',
              detail: 'write a path, or `from:` with a path',
            }),
            locateIn,
          ),
        );
      }
      break;
    }
    if (isRecord(ext) && isRecord(ext.params)) {
      for (const [name, value] of Object.entries(ext.params)) {
        if (!givenParams.some((g) => g.name === name)) {
          givenParams.push({ name, value, path: ['extends', 'params', name], holder: current.value });
        }
      }
    }
    const target = host?.resolveTemplate(current.file, spec);
    const specPath = typeof ext === 'string' ? ['extends'] : ['extends', 'from'];
    if (!target) {
      broken = true;
      diagnostics.push(
        toDiagnostic(
          pathIssue('extends-not-found', specPath, { spec, detail: host ? '' : 'no file access here' }),
          locateIn,
        ),
      );
      break;
    }
    let content: string | undefined;
    if (!chain.some((c) => c.file === target)) {
      try {
        content = host!.readFile(target);
      } catch (e) {
        broken = true;
        diagnostics.push(
          toDiagnostic(
            pathIssue('extends-not-found', specPath, { spec, detail: (e as Error).message }),
            locateIn,
          ),
        );
        break;
      }
    }
    // The playbook itself may have been named by a relative path and reached again by an
    // absolute one: the same text under the same path tail is the same file.
    const again = chain.findIndex(
      (c) => c.file === target || (c.source.text === content && sameTail(c.file, target)),
    );
    if (again >= 0 || content === undefined || chain.length > MAX_EXTENDS) {
      broken = true;
      const files = [...chain.map((c) => c.file), target];
      if (again >= 0) files[files.length - 1] = chain[again]!.file;
      const cycle = files.map(shortName).join(' → ');
      diagnostics.push(toDiagnostic(pathIssue('extends-cycle', specPath, { cycle }), locateIn));
      break;
    }
    const loaded = read(target, content);
    if (loaded.value === undefined) return result;
    if (!isRecord(loaded.value)) {
      diagnostics.push(
        toDiagnostic(
          { code: 'not-a-playbook', at: { offset: 0, endOffset: 1 }, args: {} },
          { source: loaded.source },
        ),
      );
      return result;
    }
    chain.push({ file: target, value: loaded.value, source: loaded.source });
  }

  // Merge from the farthest template to the playbook itself.
  let merged = chain.at(-1)!.value;
  for (let i = chain.length - 2; i >= 0; i--)
    merged = mergePlaybook(merged, chain[i]!.value, origins, diagnostics);
  if (chain.length === 1 && merged.overrides !== undefined && !broken) {
    // Nothing to patch: report each override instead of dropping it silently.
    checkOverrides(
      merged,
      [],
      origins,
      diagnostics,
      'this playbook has no `extends`: overrides patch a template',
    );
  }
  // A broken `extends` stays, so that the schema neither demands what the template would give
  // nor misses a malformed `extends`.
  if (!broken) delete merged.extends;
  delete merged.overrides;

  result.params = broken
    ? {}
    : resolveParams(merged, givenParams, chain.length > 1, origins, diagnostics, rootLoad.value);
  const declared = new Set(isRecord(merged.params) ? Object.keys(merged.params) : []);
  substituteParams(merged, result.params, declared, [], issues);
  result.value = merged;
  return result;
}

/** Templates deep enough to be a cycle the paths do not show (links, odd file systems). */
const MAX_EXTENDS = 32;

/** Whether one path ends with the other (relative) one, compared segment by segment. */
function sameTail(a: string, b: string): boolean {
  const parts = (p: string) => {
    const out: string[] = [];
    for (const seg of p.split(/[\\/]/)) {
      if (seg === '' || seg === '.') continue;
      if (seg === '..' && out.length > 0 && out.at(-1) !== '..') out.pop();
      else out.push(seg);
    }
    return out;
  };
  const [x, y] = [parts(a), parts(b)];
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  if (short.length === 0 || short.includes('..')) return false;
  return short.every((seg, i) => seg === long[long.length - short.length + i]);
}

function shortName(path: string): string {
  return path.split(/[\\/]/).slice(-2).join('/');
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep-merge two mappings; `over` wins on scalars and lists, mappings merge key by key. */
function mergeValues(base: unknown, over: unknown, origins: Origins): unknown {
  if (!isRecord(base) || !isRecord(over)) return over;
  const out: Record<string, unknown> = {};
  const baseOrigin = origins.get(base);
  const overOrigin = origins.get(over);
  if (baseOrigin) origins.set(out, baseOrigin);
  for (const [k, v] of Object.entries(base)) out[k] = v;
  for (const [k, v] of Object.entries(over)) {
    out[k] = k in base ? mergeValues(base[k], v, origins) : v;
    if (overOrigin) origins.setKey(out, k, overOrigin);
  }
  return out;
}

/** A copy made by destructuring still comes from its original's YAML (and per-key origins). */
function sameOrigin<T extends Record<string, unknown>>(copy: T, original: object, origins: Origins): T {
  const o = origins.get(original);
  if (o) origins.set(copy, o);
  for (const k of Object.keys(copy)) {
    const ko = origins.getKey(original, k);
    if (ko) origins.setKey(copy, k, ko);
  }
  return copy;
}

/** Merge a playbook over its template: maps by id, stages by name, journeys by id, then overrides. */
function mergePlaybook(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  origins: Origins,
  diagnostics: Diagnostic[],
): Record<string, unknown> {
  const { stages: overStages, overrides, ...rest } = over;
  const { stages: baseStages, ...baseRest } = base;
  const merged = mergeValues(
    sameOrigin(baseRest, base, origins),
    sameOrigin(rest, over, origins),
    origins,
  ) as Record<string, unknown>;
  const stages = mergeStages(baseStages, overStages, origins);
  if (stages !== undefined) {
    merged.stages = stages;
    const from = overStages !== undefined ? over : base;
    const o = origins.get(from);
    if (o) origins.setKey(merged, 'stages', o);
  }
  if (overrides !== undefined) checkOverrides(over, [...walkSteps(merged)], origins, diagnostics);
  return merged;
}

function mergeStages(base: unknown, over: unknown, origins: Origins): unknown {
  if (!isRecord(base) || !isRecord(over)) return over ?? base;
  const out: Record<string, unknown> = {};
  const o = origins.get(base);
  if (o) origins.set(out, o);
  const overOrigin = origins.get(over);
  const order = Object.keys(base);
  // A stage new in `over` goes right after the stage written before it there.
  let after: string | undefined;
  for (const key of Object.keys(over)) {
    if (!order.includes(key))
      order.splice(after === undefined ? order.length : order.indexOf(after) + 1, 0, key);
    after = key;
  }
  for (const key of order) {
    const b = base[key];
    const v = over[key];
    if (v === undefined) {
      out[key] = b;
      continue;
    }
    if (overOrigin) origins.setKey(out, key, overOrigin);
    if (!isRecord(b) || !isRecord(v)) {
      out[key] = v;
      continue;
    }
    const { journeys: bj, ...bRest } = b;
    const { journeys: vj, ...vRest } = v;
    const stage = mergeValues(
      sameOrigin(bRest, b, origins),
      sameOrigin(vRest, v, origins),
      origins,
    ) as Record<string, unknown>;
    const journeys = mergeJourneys(bj, vj, origins);
    if (journeys !== undefined) {
      stage.journeys = journeys;
      const jo = origins.get(vj !== undefined ? v : b);
      if (jo) origins.setKey(stage, 'journeys', jo);
    }
    out[key] = stage;
  }
  return out;
}

function mergeJourneys(base: unknown, over: unknown, origins: Origins): unknown {
  if (!Array.isArray(base) || !Array.isArray(over)) return over ?? base;
  const out = [...base];
  const o = origins.get(base);
  if (o) origins.set(out, o);
  const overOrigin = origins.get(over);
  for (const j of over) {
    const id = isRecord(j) ? j.journey : undefined;
    const at = out.findIndex((b) => isRecord(b) && id !== undefined && b.journey === id);
    const index = at >= 0 ? at : out.length;
    out[index] = j;
    if (overOrigin) origins.setKey(out, index, overOrigin);
  }
  return out;
}

/** Every step list in the playbook, with the journey it belongs to. */
export function* walkSteps(playbook: Record<string, unknown>): Generator<{
  journey: string;
  step: Record<string, unknown>;
  list: unknown[];
  index: number;
  path: (string | number)[];
}> {
  const stages = playbook.stages;
  if (!isRecord(stages)) return;
  for (const [stageName, stage] of Object.entries(stages)) {
    if (!isRecord(stage) || !Array.isArray(stage.journeys)) continue;
    for (const [ji, journey] of stage.journeys.entries()) {
      if (!isRecord(journey)) continue;
      const jid = String(journey.journey ?? '');
      yield* walkStepList(jid, journey.steps, ['stages', stageName, 'journeys', ji, 'steps']);
    }
  }
}

function* walkStepList(
  journey: string,
  list: unknown,
  path: (string | number)[],
): Generator<{
  journey: string;
  step: Record<string, unknown>;
  list: unknown[];
  index: number;
  path: (string | number)[];
}> {
  if (!Array.isArray(list)) return;
  for (const [i, step] of list.entries()) {
    if (!isRecord(step)) continue;
    const stepPath = [...path, i];
    yield { journey, step, list, index: i, path: stepPath };
    for (const key of ['then', 'else', 'onTimeout'] as const)
      yield* walkStepList(journey, step[key], [...stepPath, key]);
    if (Array.isArray(step.split)) {
      for (const [vi, variant] of step.split.entries()) {
        if (isRecord(variant))
          yield* walkStepList(journey, variant.steps, [...stepPath, 'split', vi, 'steps']);
      }
    }
  }
}

/**
 * Apply `over.overrides` to the template's steps. Problems are reported in the file that holds
 * the overrides (they are gone from the merged playbook by the time it is checked).
 */
function checkOverrides(
  over: Record<string, unknown>,
  steps: ReturnType<typeof walkSteps> extends Generator<infer S> ? S[] : never,
  origins: Origins,
  diagnostics: Diagnostic[],
  noTemplate = '',
) {
  const origin = origins.get(over);
  if (!origin) return;
  const report = (issue: Issue) =>
    diagnostics.push(toDiagnostic(issue, { source: origin.source, root: over, origins }));
  const overrides = over.overrides;
  if (!isRecord(overrides)) {
    report(
      pathIssue('wrong-type', ['overrides'], {
        where: '`overrides`',
        whereZh: '`overrides`',
        expected: 'a mapping (key: value)',
        expectedZh: '映射（键: 值）',
        actual: JSON.stringify(overrides) ?? 'nothing',
        actualZh: JSON.stringify(overrides) ?? '空值',
        example: '{"welcome.hello":{"send":{"via":"group","text":"Hi!"}}}',
      }),
    );
    return;
  }
  for (const [target, patch] of Object.entries(overrides)) {
    const [a, b] = target.includes('.') ? target.split('.', 2) : [undefined, target];
    const matches = steps.filter((s) => String(s.step.id) === b && (a === undefined || s.journey === a));
    if (matches.length !== 1) {
      const names = steps.map((s) => `${s.journey}.${String(s.step.id)}`);
      const near = suggest(target, a === undefined ? steps.map((s) => String(s.step.id)) : names);
      const detail =
        noTemplate ||
        (matches.length > 1
          ? `${matches.length} steps have this id; write \`journey.${b}\``
          : near
            ? `did you mean \`${near}\`?`
            : '');
      report(pathIssue('override-unknown-step', ['overrides', target], { target, detail }, { key: true }));
      continue;
    }
    if (!isRecord(patch)) {
      report(
        pathIssue('wrong-type', ['overrides', target], {
          where: `override \`${target}\``,
          whereZh: `覆盖项 \`${target}\``,
          expected: 'a mapping of step fields',
          expectedZh: '步骤字段的映射',
          actual: JSON.stringify(patch) ?? 'nothing',
          actualZh: JSON.stringify(patch) ?? '空值',
          example: '{"send":{"via":"group","text":"Hi!"}}',
        }),
      );
      continue;
    }
    const m = matches[0]!;
    m.list[m.index] = mergeValues(m.step, patch, origins);
  }
}

const PARAM_TYPE_WORDS: Record<string, [string, string]> = {
  string: ['text', '文本'],
  integer: ['a whole number', '整数'],
  number: ['a number', '数字'],
  boolean: ['true or false', '布尔值'],
  duration: ['a duration such as `7d`', '时长（如 `7d`）'],
  money: ['a whole amount in minor units (fen, cents)', '以最小货币单位（分）计的整数金额'],
};

function paramTypeError(spec: Record<string, unknown>, value: unknown): string | undefined {
  const type = String(spec.type);
  const ok =
    (type === 'string' && typeof value === 'string') ||
    ((type === 'integer' || type === 'money') && Number.isInteger(value)) ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'duration' && typeof value === 'string' && parseDuration(value) !== undefined);
  if (!ok) return 'type';
  if (type === 'money' && (value as number) < 0) return 'must not be negative';
  if (Array.isArray(spec.enum) && !spec.enum.some((e) => e === value))
    return `one of ${spec.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  if (typeof value === 'number' && typeof spec.minimum === 'number' && value < spec.minimum)
    return `at least ${spec.minimum}`;
  if (typeof value === 'number' && typeof spec.maximum === 'number' && value > spec.maximum)
    return `at most ${spec.maximum}`;
  if (typeof value === 'string' && typeof spec.pattern === 'string') {
    try {
      if (!new RegExp(spec.pattern).test(value)) return `matching ${spec.pattern}`;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function resolveParams(
  merged: Record<string, unknown>,
  given: { name: string; value: unknown; path: (string | number)[]; holder: Record<string, unknown> }[],
  extended: boolean,
  origins: Origins,
  diagnostics: Diagnostic[],
  playbook: Record<string, unknown>,
): Record<string, unknown> {
  const specs = isRecord(merged.params) ? merged.params : {};
  const values: Record<string, unknown> = {};
  const report = (issue: Issue, holder: Record<string, unknown>) => {
    const o = origins.get(holder);
    if (o) diagnostics.push(toDiagnostic(issue, { source: o.source, root: holder, origins }));
  };
  for (const g of given) {
    const spec = specs[g.name];
    if (!isRecord(spec)) {
      report(
        pathIssue(
          'param-unknown',
          g.path,
          {
            name: g.name,
            suggestion: suggest(g.name, Object.keys(specs)) ?? '',
            known: listOf(Object.keys(specs)),
          },
          { key: true },
        ),
        g.holder,
      );
      continue;
    }
    const problem = paramTypeError(spec, g.value);
    if (problem) {
      const [expected, expectedZh] = PARAM_TYPE_WORDS[String(spec.type)] ?? [
        String(spec.type),
        String(spec.type),
      ];
      report(
        pathIssue('param-type', g.path, {
          name: g.name,
          type: String(spec.type),
          expected: problem === 'type' ? expected : `${expected}, ${problem}`,
          expectedZh: problem === 'type' ? expectedZh : `${expectedZh}（${problem}）`,
          actual: JSON.stringify(g.value) ?? 'nothing',
          detail: problem === 'type' ? '' : problem,
        }),
        g.holder,
      );
      continue;
    }
    values[g.name] = g.value;
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (name in values || !isRecord(spec)) continue;
    if ('default' in spec) values[name] = spec.default;
    else if (extended && !given.some((g) => g.name === name)) {
      // Reported in the playbook being checked, at `params:` under `extends` where the value goes.
      const ext = playbook.extends;
      report(
        pathIssue(
          'param-missing',
          isRecord(ext) && isRecord(ext.params) ? ['extends', 'params'] : ['extends'],
          { name, description: String(spec.description ?? '') },
          { key: true },
        ),
        playbook,
      );
    }
  }
  return values;
}

/**
 * Replace `${params.x}` in every string (a whole-value reference keeps the parameter's type). A
 * declared parameter without a value (a template checked on its own) stays a reference; an
 * undeclared one is reported.
 */
function substituteParams(
  node: unknown,
  params: Record<string, unknown>,
  declared: ReadonlySet<string>,
  path: (string | number)[],
  issues: Issue[],
): void {
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries())
      substituteIn(node as unknown as Record<number, unknown>, i, v, params, declared, path, issues);
  } else if (isRecord(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (path.length === 0 && (k === 'params' || k === 'extends')) continue;
      substituteIn(node, k, v, params, declared, path, issues);
    }
  }
}

/** One value of `substituteParams` (a function of its own: no closure made per node). */
function substituteIn(
  container: Record<string | number, unknown>,
  key: string | number,
  value: unknown,
  params: Record<string, unknown>,
  declared: ReadonlySet<string>,
  path: (string | number)[],
  issues: Issue[],
): void {
  if (typeof value === 'string') {
    if (!value.includes('${params.')) return;
    const p = [...path, key];
    if (PARAM_REF.test(value)) {
      const name = value.slice(9, -1);
      if (name in params) container[key] = params[name];
      else unknownParam(name, p, 0, declared, issues);
      return;
    }
    container[key] = value.replace(PARAM_IN_TEXT, (whole, name: string, offset: number) => {
      if (name in params) return String(params[name]);
      unknownParam(name, p, offset, declared, issues);
      return whole;
    });
  } else if (value !== null && typeof value === 'object') {
    substituteParams(value, params, declared, [...path, key], issues);
  }
}

/** A `${params.x}` naming no declared parameter. */
function unknownParam(
  name: string,
  p: (string | number)[],
  offset: number,
  declared: ReadonlySet<string>,
  issues: Issue[],
): void {
  if (declared.has(name)) return;
  issues.push(
    pathIssue(
      'unknown-reference',
      p,
      {
        kind: 'parameter',
        kindZh: '参数',
        name,
        section: 'params',
        suggestion: suggest(name, declared) ?? '',
        known: listOf(declared),
      },
      { within: { offset: offset + 9, length: name.length } },
    ),
  );
}
