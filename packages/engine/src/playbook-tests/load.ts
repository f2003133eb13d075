import {
  type Diagnostic,
  type PlaybookTest,
  type ResolvedPlaybook,
  sortDiagnostics,
  toPointer,
  validatePlaybookText,
  validateTestText,
  walkSteps,
} from '@kith/playbook/browser';
import { durationMs } from '../time/duration.js';
import { type TestPath, TestPositions } from './locate.js';
import type { TestHost } from './types.js';
import { type Bilingual, SETUP } from './words.js';

/** A test file that can run: the test, its resolved playbook with the test's params, positions. */
export interface LoadedTest {
  test: PlaybookTest;
  playbook: ResolvedPlaybook;
  params: Record<string, unknown>;
  positions: TestPositions;
}

export interface LoadResult {
  loaded: LoadedTest | undefined;
  /** Errors in the test file or the playbook; empty when `loaded` is set. */
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

/** A diagnostic at a path of the test file. */
export function testDiagnostic(
  file: string,
  positions: TestPositions,
  code: string,
  path: TestPath,
  words: Bilingual,
  options: { key?: boolean } = {},
): Diagnostic {
  return {
    severity: 'error',
    code,
    message: words.en.message,
    hint: words.en.hint,
    zh: { message: words.zh.message, hint: words.zh.hint },
    file,
    path: toPointer(path),
    ...positions.span(path, options),
  };
}

/** `playbook:` is relative to the test file even without `./` (a bare name is not a package here). */
function playbookSpec(test: PlaybookTest): string {
  const spec = test.playbook ?? '../playbook.yaml';
  return /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(spec) ? spec : `./${spec}`;
}

/**
 * Loads a test file and the playbook it tests. The playbook is resolved as if a playbook extended
 * it with the test's `params`, so the validator's own template machinery fills them in (and
 * reports a missing or mistyped parameter); those reports are moved to the test's `params:`.
 */
export function loadTest(text: string, file: string, host: TestHost): LoadResult {
  const checked = validateTestText(text, file);
  const sources = new Map(checked.sources);
  const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');
  const test = checked.value;
  if (test === undefined) return { loaded: undefined, diagnostics: errors(checked.diagnostics), sources };
  const positions = new TestPositions(text);

  // The wrapper is named after the test file so that relative paths resolve from its folder.
  const wrapperFile = `${file}#playbook`;
  const wrapper = `kith: 1\nextends: ${JSON.stringify({ from: playbookSpec(test), params: test.params ?? {} })}\n`;
  const resolved = validatePlaybookText(wrapper, wrapperFile, { host });
  for (const [path, source] of resolved.sources) if (path !== wrapperFile) sources.set(path, source);
  // When the playbook cannot be reached, what the wrapper lacks without it (an id, stages) is noise.
  const broken = resolved.diagnostics.some((d) => d.file === wrapperFile && d.code.startsWith('extends-'));
  const moved = errors(resolved.diagnostics)
    .filter((d) => !broken || d.file !== wrapperFile || d.code.startsWith('extends-'))
    .map((d) => (d.file === wrapperFile ? fromWrapper(d, file, positions, test) : d));
  if (resolved.playbook === undefined || moved.length > 0) {
    return { loaded: undefined, diagnostics: moved, sources };
  }
  const playbook = resolved.playbook;
  const problems = checkReferences(test, playbook, file, positions);
  if (problems.length > 0) return { loaded: undefined, diagnostics: problems, sources };
  return { loaded: { test, playbook, params: resolved.params, positions }, diagnostics: [], sources };
}

/** A problem the validator found in the wrapper belongs at the test's `params:` or `playbook:`. */
function fromWrapper(d: Diagnostic, file: string, positions: TestPositions, test: PlaybookTest): Diagnostic {
  const param = /^\/extends\/params(?:\/(.+))?$/.exec(d.path);
  const path: TestPath = param
    ? param[1] !== undefined
      ? ['params', param[1].replace(/~1/g, '/').replace(/~0/g, '~')]
      : ['params']
    : test.playbook !== undefined
      ? ['playbook']
      : [];
  const words = SETUP.playbookParams(d, d.zh);
  // a parameter the template does not have is a wrong name: point at the name
  return testDiagnostic(file, positions, d.code, path, words, { key: d.code === 'param-unknown' });
}

/**
 * Names in the test that must exist — members, offers, stages, tiers, journeys and steps, pools,
 * channels — and a timeline in time order: a typo is reported as one, not as a failing playbook.
 */
function checkReferences(
  test: PlaybookTest,
  playbook: ResolvedPlaybook,
  file: string,
  positions: TestPositions,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const members = Object.keys(test.members);
  const steps = new Map<string, Set<string>>();
  for (const s of walkSteps(playbook as unknown as Record<string, unknown>)) {
    const set = steps.get(s.journey) ?? new Set<string>();
    set.add(String(s.step.id));
    steps.set(s.journey, set);
  }
  for (const stage of Object.values(playbook.stages))
    for (const j of stage.journeys ?? []) if (!steps.has(j.journey)) steps.set(j.journey, new Set());
  const known = {
    stage: Object.keys(playbook.stages),
    tier: Object.keys(playbook.tiers ?? {}),
    offer: Object.keys(playbook.offers ?? {}),
    pool: Object.keys(playbook.groups ?? {}),
    channel: Object.keys(playbook.channels ?? {}),
    entry: Object.keys(playbook.entries ?? {}),
    journey: [...steps.keys()],
  };
  // `key`: the member is the key of the mapping (`stage: { zoe: … }`), not a value
  const member = (name: string, path: TestPath, key = false) => {
    if (!members.includes(name))
      out.push(
        testDiagnostic(file, positions, 'unknown-member', path, SETUP.unknownMember(name, members), { key }),
      );
  };
  const ref = (kind: keyof typeof known, kindZh: string, name: string, path: TestPath) => {
    if (!known[kind].includes(name))
      out.push(
        testDiagnostic(
          file,
          positions,
          `unknown-${kind}`,
          path,
          SETUP.unknownRef(kind, kindZh, name, known[kind]),
        ),
      );
  };
  const step = (journey: string, id: string, path: TestPath) => {
    const ids = steps.get(journey);
    if (ids === undefined) ref('journey', '旅程', journey, path);
    else if (id !== 'done' && !ids.has(id))
      out.push(
        testDiagnostic(
          file,
          positions,
          'unknown-step',
          path,
          SETUP.unknownRef(
            'journey step',
            '旅程步骤',
            `${journey}.${id}`,
            [...ids].map((s) => `${journey}.${s}`),
          ),
        ),
      );
  };

  for (const [name, m] of Object.entries(test.members)) {
    if (m.referrer !== undefined) member(m.referrer, ['members', name, 'referrer']);
    if (m.tier !== undefined) ref('tier', '等级', m.tier, ['members', name, 'tier']);
    if (m.entry !== undefined) ref('entry', '入口', m.entry, ['members', name, 'entry']);
  }
  let previous = -1;
  let previousAt = '';
  test.timeline.forEach((item, i) => {
    const here = ['timeline', i] as const;
    const t = durationMs(item.at);
    if (t < previous)
      out.push(
        testDiagnostic(file, positions, 'timeline-order', [...here, 'at'], SETUP.order(item.at, previousAt)),
      );
    if (t >= previous) {
      previous = t;
      previousAt = item.at;
    }
    for (const field of ['pay', 'refund'] as const) {
      const offer = item[field];
      if (offer === undefined) continue;
      if (item.member === undefined)
        out.push(
          testDiagnostic(file, positions, 'missing-member', [...here, field], SETUP.needsMember(field)),
        );
      ref('offer', '商品', offer, [...here, field]);
    }
    const e = item.expect;
    if (e === undefined) return;
    const x = [...here, 'expect'] as const;
    e.messages?.forEach((m, j) => {
      if (m.to !== undefined) member(m.to, [...x, 'messages', j, 'to']);
      if (m.via !== undefined) ref('channel', '渠道', m.via, [...x, 'messages', j, 'via']);
      if (m.step !== undefined) {
        const dot = m.step.indexOf('.');
        if (dot < 0) ref('journey', '旅程', m.step, [...x, 'messages', j, 'step']);
        else step(m.step.slice(0, dot), m.step.slice(dot + 1), [...x, 'messages', j, 'step']);
      }
    });
    for (const [j, name] of (e.noMessagesTo ?? []).entries()) member(name, [...x, 'noMessagesTo', j]);
    for (const [name, v] of Object.entries(e.stage ?? {})) {
      member(name, [...x, 'stage', name], true);
      ref('stage', '阶段', v, [...x, 'stage', name]);
    }
    for (const [name, v] of Object.entries(e.tier ?? {})) {
      member(name, [...x, 'tier', name], true);
      ref('tier', '等级', v, [...x, 'tier', name]);
    }
    for (const field of ['points', 'tags', 'goals'] as const)
      for (const name of Object.keys(e[field] ?? {})) member(name, [...x, field, name], true);
    for (const [name, pools] of Object.entries(e.groups ?? {})) {
      member(name, [...x, 'groups', name], true);
      for (const [j, p] of pools.entries()) ref('pool', '群池', p, [...x, 'groups', name, j]);
    }
    for (const [name, journeys] of Object.entries(e.at ?? {})) {
      member(name, [...x, 'at', name], true);
      for (const [journey, id] of Object.entries(journeys)) step(journey, id, [...x, 'at', name, journey]);
    }
  });
  return sortDiagnostics(out);
}
