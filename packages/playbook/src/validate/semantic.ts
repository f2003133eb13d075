import { expressionReferences, parseExpression } from '../expr/index.js';
import { STEP_KINDS, Step } from '../schema/steps.js';
import { parseTemplate, templateReferences } from '../template/index.js';
import { isIsoDateTime } from '../values/calendar.js';
import { parseDuration } from '../values/duration.js';
import { type Issue, pathIssue } from './issue.js';
import { isRecord, walkSteps } from './resolve.js';
import { listOf, suggest } from './suggest.js';
import { EXPRESSION_ROOTS, extraTemplateRoots, MEMBER_FIELDS, TEMPLATE_ROOTS } from './variables.js';
import { keyRefOf, walkWithSchema } from './walk-schema.js';

type Path = (string | number)[];

const REF_WORDS: Record<string, [string, string]> = {
  channels: ['channel', '渠道'],
  payments: ['payment', '支付'],
  offers: ['offer', '商品'],
  tiers: ['tier', '等级'],
  groups: ['group pool', '群组池'],
  stages: ['stage', '阶段'],
  plugins: ['plugin instance', '插件实例'],
  rituals: ['ritual', '仪式'],
};

/** Every field a step may have. */
const STEP_FIELDS = new Set(Object.keys((Step as { properties?: object }).properties ?? {}));

const STANDARD_STAGES = ['attract', 'activate', 'transact', 'expand'];
const CREDENTIAL_KEY =
  /(token|secret|password|passwd|api[-_]?key|private[-_]?key|^key$|aes[-_]?key|app[-_]?secret)/i;
const SECRET_REF = /\$\{secrets\.([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Results by source text: templates repeat the same conditions and messages many times. */
function memo<T>(fn: (source: string) => T): (source: string) => T {
  const cache = new Map<string, T>();
  return (source) => {
    let v = cache.get(source);
    if (v === undefined) {
      if (cache.size > 5_000) cache.clear();
      v = fn(source);
      cache.set(source, v);
    }
    return v;
  };
}

const analyzeExpression = memo((source) => {
  const parsed = parseExpression(source);
  return parsed.ok ? { ok: true as const, refs: expressionReferences(parsed.ast) } : parsed;
});

const analyzeTemplate = memo((source) => {
  const parsed = parseTemplate(source);
  return parsed.ok ? { ok: true as const, refs: templateReferences(source) } : parsed;
});

/** The checks a JSON Schema cannot express: references, ids, reachability, expressions, templates. */
export function checkSemantics(playbook: Record<string, unknown>, params: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const names = (section: string) =>
    isRecord(playbook[section]) ? Object.keys(playbook[section] as object) : [];
  const defined: Record<string, string[]> = {
    channels: names('channels'),
    payments: names('payments'),
    offers: names('offers'),
    tiers: names('tiers'),
    groups: names('groups'),
    stages: names('stages'),
    rituals: names('rituals'),
  };
  defined.plugins = [...defined.channels!, ...defined.payments!];
  const used = new Set<string>();
  const declaredParams = new Set([...names('params'), ...Object.keys(params)]);
  const secrets = new Set(names('secrets'));

  walkWithSchema(playbook, (path, value, schema) => {
    const ref = schema['x-kith-ref'];
    if (typeof ref === 'string' && typeof value === 'string') {
      checkReference(ref, value, path, defined, used, issues);
    }
    const keysRef = keyRefOf(schema);
    if (keysRef && isRecord(value)) {
      for (const k of Object.keys(value))
        checkReference(keysRef, k, [...path, k], defined, used, issues, true);
    }
    if (schema.format === 'kith-expression' && typeof value === 'string')
      checkExpression(value, path, declaredParams, issues);
    if (schema.format === 'kith-template' && typeof value === 'string')
      checkTemplate(value, path, declaredParams, issues);
    if (typeof value === 'string' && value.includes('${secrets.'))
      checkSecretUse(value, path, secrets, issues);
  });

  checkSteps(playbook, issues);
  checkJourneyIds(playbook, issues);
  checkOffers(playbook, defined, issues);
  checkPluginConfig(playbook, issues);
  checkMisc(playbook, issues);
  checkMigrate(playbook, issues);
  // Offers are the business: one that no step presents is almost always a mistake.
  for (const o of defined.offers!) {
    if (!used.has(`offers:${o}`)) {
      issues.push(
        pathIssue(
          'unused-definition',
          ['offers', o],
          { kind: 'offer', kindZh: '商品', name: o },
          { key: true },
        ),
      );
    }
  }
  for (const c of defined.channels!) {
    if (!used.has(`channels:${c}`) && !used.has(`plugins:${c}`)) {
      issues.push(
        pathIssue(
          'unused-definition',
          ['channels', c],
          { kind: 'channel', kindZh: '渠道', name: c },
          { key: true },
        ),
      );
    }
  }
  return issues;
}

function checkReference(
  section: string,
  name: string,
  path: readonly (string | number)[],
  defined: Record<string, string[]>,
  used: Set<string>,
  issues: Issue[],
  key = false,
) {
  if (name.startsWith('${params.')) return;
  const known = defined[section] ?? [];
  used.add(`${section}:${name}`);
  if (known.includes(name)) return;
  const [kind, kindZh] = REF_WORDS[section] ?? [section, section];
  issues.push(
    pathIssue(
      'unknown-reference',
      path,
      {
        kind,
        kindZh,
        name,
        section,
        suggestion: suggest(name, known) ?? '',
        known: known.length ? listOf(known) : '',
      },
      { key },
    ),
  );
}

function checkExpression(
  source: string,
  path: readonly (string | number)[],
  params: Set<string>,
  issues: Issue[],
) {
  // An empty condition is reported once, by the schema (`must not be empty`).
  if (source.startsWith('${params.') || source.trim() === '') return;
  const parsed = analyzeExpression(source);
  if (!parsed.ok) {
    issues.push(
      pathIssue(
        'expression-syntax',
        path,
        { detail: parsed.error.message },
        { within: { offset: parsed.error.offset, length: parsed.error.length } },
      ),
    );
    return;
  }
  for (const ref of parsed.refs) checkVariable(ref, EXPRESSION_ROOTS, path, params, 'condition', issues);
}

function checkTemplate(
  source: string,
  path: readonly (string | number)[],
  params: Set<string>,
  issues: Issue[],
) {
  if (!source.includes('{')) return;
  const parsed = analyzeTemplate(source);
  if (!parsed.ok) {
    issues.push(
      pathIssue(
        'template-syntax',
        path,
        { detail: parsed.error.message },
        { within: { offset: parsed.error.offset, length: parsed.error.length } },
      ),
    );
    return;
  }
  const roots = [...TEMPLATE_ROOTS, ...extraTemplateRoots(path)];
  for (const ref of parsed.refs) checkVariable(ref, roots, path, params, 'message', issues);
}

function checkVariable(
  ref: { path: string[]; offset: number; length: number },
  roots: readonly string[],
  path: readonly (string | number)[],
  params: Set<string>,
  context: string,
  issues: Issue[],
) {
  const [root, field] = ref.path;
  if (root === undefined) return;
  const within = { offset: ref.offset, length: ref.length };
  const report = (name: string, known: readonly string[], suggestion: string | undefined) =>
    issues.push(
      pathIssue(
        'unknown-variable',
        path,
        { name, context, suggestion: suggestion ?? '', known: listOf(known, 12) },
        { within },
      ),
    );
  if (!roots.includes(root)) return report(root, roots, suggest(root, roots));
  if (root === 'member' && field !== undefined && !(MEMBER_FIELDS as readonly string[]).includes(field)) {
    return report(
      `member.${field}`,
      MEMBER_FIELDS.map((f) => `member.${f}`),
      suggest(field, MEMBER_FIELDS) && `member.${suggest(field, MEMBER_FIELDS)}`,
    );
  }
  if (root === 'params' && field !== undefined && !params.has(field)) {
    return report(
      `params.${field}`,
      [...params].map((p) => `params.${p}`),
      suggest(field, params) && `params.${suggest(field, params)}`,
    );
  }
}

function checkSecretUse(
  value: string,
  path: readonly (string | number)[],
  secrets: Set<string>,
  issues: Issue[],
) {
  const inWith = (path[0] === 'channels' || path[0] === 'payments') && path[2] === 'with';
  if (!inWith) {
    // Point at the `${secrets.…}` reference itself.
    const at = value.indexOf('${secrets.');
    const close = value.indexOf('}', at);
    const length = (close === -1 ? value.length : close + 1) - at;
    issues.push(pathIssue('secret-outside-with', path, {}, { within: { offset: at, length } }));
    return;
  }
  for (const m of value.matchAll(SECRET_REF)) {
    const name = m[1]!;
    if (!secrets.has(name)) {
      issues.push(
        pathIssue(
          'unknown-reference',
          path,
          {
            kind: 'secret',
            kindZh: '密钥',
            name,
            section: 'secrets',
            suggestion: suggest(name, secrets) ?? '',
            known: secrets.size ? listOf(secrets) : '',
          },
          { within: { offset: m.index + 10, length: name.length } },
        ),
      );
    }
  }
}

/** Does a step list always end the journey (goal/exit, or branches that all do)? */
function terminates(step: Record<string, unknown>): boolean {
  if ('goal' in step || 'exit' in step) return true;
  if ('if' in step) return endsAll(step.then) && endsAll(step.else);
  if (Array.isArray(step.split)) return step.split.every((v) => isRecord(v) && endsAll(v.steps));
  return false;
}

function endsAll(list: unknown): boolean {
  return Array.isArray(list) && list.some((s) => isRecord(s) && terminates(s));
}

function checkSteps(playbook: Record<string, unknown>, issues: Issue[]) {
  const seenByJourney = new Map<string, Map<string, Path>>();
  const seenLists = new Set<unknown[]>();
  for (const { journey, step, list, index, path } of walkSteps(playbook)) {
    const id = String(step.id ?? `#${index + 1}`);
    const kinds = STEP_KINDS.filter((k) => k in step);
    // A step with a misspelt action (`sned:`) gets `unknown-field` from the schema; that is enough.
    const misspelt = Object.keys(step).some((k) => !STEP_FIELDS.has(k));
    if (kinds.length === 0 && !misspelt)
      issues.push(
        pathIssue('step-no-action', path, { id, kinds: STEP_KINDS.map((k) => `\`${k}\``).join(', ') }),
      );
    if (kinds.length > 1)
      issues.push(
        pathIssue(
          'step-multiple-actions',
          [...path, kinds[1]!],
          { id, kinds: kinds.map((k) => `\`${k}\``).join(', ') },
          { key: true },
        ),
      );
    for (const field of ['then', 'else'] as const) {
      if (field in step && !('if' in step))
        issues.push(
          pathIssue('misplaced-field', [...path, field], { id, field, with: 'an `if` step' }, { key: true }),
        );
    }
    if ('if' in step && !('then' in step) && !('else' in step)) {
      issues.push(
        pathIssue('missing-field', path, {
          field: 'then',
          where: `step \`${id}\``,
          whereZh: `步骤 \`${id}\``,
          description: 'the steps to run when the condition holds',
        }),
      );
    }
    const waitsForEvent = isRecord(step.wait) && 'event' in step.wait;
    if ('onTimeout' in step && !waitsForEvent) {
      issues.push(
        pathIssue(
          'misplaced-field',
          [...path, 'onTimeout'],
          { id, field: 'onTimeout', with: 'a `wait` for an event' },
          { key: true },
        ),
      );
    }
    if (isRecord(step.wait) && typeof step.wait.until === 'string') {
      const until = step.wait.until;
      if (
        !/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(until) &&
        !isIsoDateTime(until) &&
        !until.startsWith('${params.')
      ) {
        issues.push(pathIssue('invalid-time', [...path, 'wait', 'until'], { value: until }));
      }
    }
    if (Array.isArray(step.split)) {
      const weights = step.split.map((v) => (isRecord(v) && typeof v.weight === 'number' ? v.weight : 1));
      if (weights.every((w) => w === 0)) issues.push(pathIssue('empty-split', [...path, 'split'], { id }));
      const variants = new Map<string, number>();
      step.split.forEach((v, vi) => {
        if (!isRecord(v) || typeof v.variant !== 'string') return;
        if (variants.has(v.variant)) {
          issues.push(
            pathIssue('duplicate-id', [...path, 'split', vi, 'variant'], {
              kind: 'variant',
              kindZh: '分支',
              id: v.variant,
              scope: `split \`${id}\``,
              firstPath: [...path, 'split', variants.get(v.variant)!, 'variant'].join('/'),
            }),
          );
        }
        variants.set(v.variant, vi);
      });
    }
    // Duplicate step ids within the journey (this journey, not another one with the same id).
    if (typeof step.id === 'string') {
      const journeyKey = path.slice(0, 4).join('/');
      let seen = seenByJourney.get(journeyKey);
      if (!seen) {
        seen = new Map();
        seenByJourney.set(journeyKey, seen);
      }
      const first = seen.get(step.id);
      if (first) {
        issues.push(
          pathIssue('duplicate-id', [...path, 'id'], {
            kind: 'step',
            kindZh: '步骤',
            id: step.id,
            scope: `journey \`${journey}\``,
            firstPath: first.join('/'),
          }),
        );
      } else seen.set(step.id, path);
    }
    // Unreachable steps: whatever follows a step that always ends the journey.
    if (!seenLists.has(list)) {
      seenLists.add(list);
      const end = list.findIndex((s) => isRecord(s) && terminates(s));
      if (end >= 0 && end < list.length - 1) {
        const next = list[end + 1];
        const endStep = list[end] as Record<string, unknown>;
        const parentPath = path.slice(0, -1);
        issues.push(
          pathIssue('unreachable-step', [...parentPath, end + 1], {
            id: String(isRecord(next) ? (next.id ?? `#${end + 2}`) : `#${end + 2}`),
            after: String(endStep.id ?? `#${end + 1}`),
          }),
        );
      }
    }
  }
}

function checkJourneyIds(playbook: Record<string, unknown>, issues: Issue[]) {
  const seen = new Map<string, string>();
  const stages = isRecord(playbook.stages) ? playbook.stages : {};
  for (const [stage, s] of Object.entries(stages)) {
    if (!isRecord(s) || !Array.isArray(s.journeys)) continue;
    s.journeys.forEach((j, i) => {
      if (!isRecord(j) || typeof j.journey !== 'string') return;
      if (seen.has(j.journey)) {
        issues.push(
          pathIssue('duplicate-id', ['stages', stage, 'journeys', i, 'journey'], {
            kind: 'journey',
            kindZh: '旅程',
            id: j.journey,
            scope: '',
            firstPath: seen.get(j.journey)!,
          }),
        );
      } else seen.set(j.journey, `stages/${stage}/journeys/${i}`);
    });
  }
  const stageNames = Object.keys(stages);
  const positions = STANDARD_STAGES.map((s) => stageNames.indexOf(s));
  for (let i = 0; i < STANDARD_STAGES.length; i++) {
    for (let k = i + 1; k < STANDARD_STAGES.length; k++) {
      if (positions[i]! >= 0 && positions[k]! >= 0 && positions[k]! < positions[i]!) {
        issues.push(
          pathIssue(
            'stage-order',
            ['stages', STANDARD_STAGES[k]!],
            { stage: STANDARD_STAGES[k]!, before: STANDARD_STAGES[i]! },
            { key: true },
          ),
        );
        return;
      }
    }
  }
  if (isRecord(playbook.covenant) && Array.isArray(playbook.covenant.rules)) {
    const ids = new Map<string, number>();
    playbook.covenant.rules.forEach((r, i) => {
      if (!isRecord(r) || typeof r.id !== 'string') return;
      if (ids.has(r.id))
        issues.push(
          pathIssue('duplicate-id', ['covenant', 'rules', i, 'id'], {
            kind: 'rule',
            kindZh: '规则',
            id: r.id,
            scope: '',
            firstPath: `covenant/rules/${ids.get(r.id)}`,
          }),
        );
      else ids.set(r.id, i);
    });
  }
}

function checkOffers(playbook: Record<string, unknown>, defined: Record<string, string[]>, issues: Issue[]) {
  const offers = isRecord(playbook.offers) ? playbook.offers : {};
  const payments = defined.payments!;
  for (const [id, offer] of Object.entries(offers)) {
    if (!isRecord(offer)) continue;
    if (offer.payment === undefined && payments.length !== 1) {
      issues.push(
        payments.length === 0
          ? pathIssue('offer-no-payment', ['offers', id], { id }, { key: true })
          : pathIssue(
              'missing-field',
              ['offers', id],
              {
                field: 'payment',
                where: `offer \`${id}\``,
                whereZh: `商品 \`${id}\``,
                description: 'which payment instance takes the money (there are several)',
              },
              { key: true },
            ),
      );
    }
    const campaign = offer.campaign;
    if (isRecord(campaign) && typeof campaign.deadline === 'string') {
      const d = campaign.deadline;
      if (!isIsoDateTime(d) && parseDuration(d) === undefined && !d.startsWith('${params.')) {
        issues.push(pathIssue('invalid-deadline', ['offers', id, 'campaign', 'deadline'], { value: d }));
      }
    }
  }
  const referrals = playbook.referrals;
  if (isRecord(referrals) && isRecord(referrals.commissions) && Array.isArray(referrals.commissions.levels)) {
    let hundredths = 0;
    for (const level of referrals.commissions.levels) {
      if (isRecord(level) && typeof level.rate === 'string') {
        const [whole, frac = ''] = level.rate.replace('%', '').split('.');
        hundredths += Number(whole) * 100 + Number(frac.padEnd(2, '0'));
      }
    }
    if (hundredths > 10000) {
      issues.push(
        pathIssue('commission-over-100', ['referrals', 'commissions', 'levels'], {
          total: (hundredths / 100).toString(),
        }),
      );
    }
  }
}

function checkPluginConfig(playbook: Record<string, unknown>, issues: Issue[]) {
  for (const section of ['channels', 'payments'] as const) {
    const instances = isRecord(playbook[section]) ? (playbook[section] as Record<string, unknown>) : {};
    for (const [id, inst] of Object.entries(instances)) {
      if (!isRecord(inst) || !isRecord(inst.with)) continue;
      for (const [key, value] of Object.entries(inst.with)) {
        if (
          typeof value === 'string' &&
          CREDENTIAL_KEY.test(key) &&
          !value.includes('${secrets.') &&
          value.length > 0
        ) {
          const suggestion = `${id}_${key}`.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
          issues.push(pathIssue('literal-secret', [section, id, 'with', key], { field: key, suggestion }));
        }
      }
    }
  }
}

function checkMisc(playbook: Record<string, unknown>, issues: Issue[]) {
  const regexAt = (value: unknown, path: Path) => {
    if (typeof value !== 'string') return;
    try {
      new RegExp(value, 'u');
    } catch (e) {
      issues.push(
        pathIssue('invalid-regex', path, {
          value,
          detail: (e as Error).message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/s, ''),
        }),
      );
    }
  };
  if (isRecord(playbook.covenant) && Array.isArray(playbook.covenant.rules)) {
    for (const [i, r] of playbook.covenant.rules.entries())
      if (isRecord(r)) regexAt(r.regex, ['covenant', 'rules', i, 'regex']);
  }
  if (isRecord(playbook.signals)) {
    for (const [id, s] of Object.entries(playbook.signals)) {
      if (isRecord(s) && Array.isArray(s.regex))
        for (const [i, r] of s.regex.entries()) regexAt(r, ['signals', id, 'regex', i]);
    }
  }
  if (isRecord(playbook.params)) {
    for (const [id, p] of Object.entries(playbook.params))
      if (isRecord(p)) regexAt(p.pattern, ['params', id, 'pattern']);
  }
  const quiet = isRecord(playbook.delivery) ? playbook.delivery.quietHours : undefined;
  if (isRecord(quiet) && quiet.start !== undefined && quiet.start === quiet.end) {
    issues.push(pathIssue('quiet-hours-empty', ['delivery', 'quietHours']));
  }
}

function checkMigrate(playbook: Record<string, unknown>, issues: Issue[]) {
  if (!isRecord(playbook.migrate)) return;
  const stepsByJourney = new Map<string, Set<string>>();
  for (const { journey, step } of walkSteps(playbook)) {
    if (!stepsByJourney.has(journey)) stepsByJourney.set(journey, new Set());
    if (typeof step.id === 'string') stepsByJourney.get(journey)!.add(step.id);
  }
  for (const [journey, map] of Object.entries(playbook.migrate)) {
    const steps = stepsByJourney.get(journey);
    if (!steps) {
      const known = [...stepsByJourney.keys()];
      issues.push(
        pathIssue(
          'unknown-reference',
          ['migrate', journey],
          {
            kind: 'journey',
            kindZh: '旅程',
            name: journey,
            section: 'stages',
            suggestion: suggest(journey, known) ?? '',
            known: listOf(known),
          },
          { key: true },
        ),
      );
      continue;
    }
    if (!isRecord(map)) continue;
    for (const [from, to] of Object.entries(map)) {
      if (typeof to === 'string' && !steps.has(to)) {
        issues.push(
          pathIssue('migrate-unknown-step', ['migrate', journey, from], {
            journey,
            step: to,
            suggestion: suggest(to, steps) ?? '',
            known: listOf(steps),
          }),
        );
      }
    }
  }
}
