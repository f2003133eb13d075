import type { Severity } from '../diagnostics.js';
import type { IssueArgs } from './issue.js';

type Text = (a: IssueArgs) => string;
interface Entry {
  severity: Severity;
  en: Text;
  hint: Text;
  zh: Text;
  zhHint: Text;
}

const q = (v: string | number | undefined) => `\`${v ?? ''}\``;
const fix =
  (s: string): Text =>
  () =>
    s;

/**
 * Every diagnostic code, with its severity and its words in English and Simplified Chinese.
 * Codes are stable: tools and tests key on them. docs/playbook-language.md lists them all.
 */
export const MESSAGES: Record<string, Entry> = {
  // ------------------------------------------------------------ reading the file
  'file-not-found': {
    severity: 'error',
    en: (a) => `cannot read ${q(a.path)}: ${a.detail}`,
    hint: fix('Check the path; relative paths are resolved from the file that names them.'),
    zh: (a) => `无法读取 ${q(a.path)}：${a.detail}`,
    zhHint: fix('检查路径；相对路径以引用它的文件所在目录为基准。'),
  },
  'file-too-large': {
    severity: 'error',
    en: (a) => `the file has ${a.size} characters; the limit is ${a.max}`,
    hint: fix('Split the playbook: keep shared parts in a template and use `extends`.'),
    zh: (a) => `文件有 ${a.size} 个字符，超过上限 ${a.max}`,
    zhHint: fix('拆分剧本：把公共部分放进模板，用 `extends` 引用。'),
  },
  'binary-file': {
    severity: 'error',
    en: fix('this is not a text file (it contains NUL bytes or invalid UTF-8)'),
    hint: fix('Playbooks are UTF-8 YAML text. Check that the right file was given.'),
    zh: fix('这不是文本文件（包含 NUL 字节或无效的 UTF-8）'),
    zhHint: fix('剧本必须是 UTF-8 编码的 YAML 文本，请确认文件是否正确。'),
  },
  'yaml-syntax': {
    severity: 'error',
    en: (a) => `YAML syntax error: ${a.detail}`,
    hint: fix('Check indentation (spaces, not tabs), colons after keys and closing quotes or brackets.'),
    zh: (a) => `YAML 语法错误：${a.detail}`,
    zhHint: fix('检查缩进（用空格而不是 Tab）、键后的冒号以及引号和括号是否闭合。'),
  },
  'yaml-duplicate-key': {
    severity: 'error',
    en: (a) => `duplicate key: ${a.detail}`,
    hint: fix('Each key may appear once in a mapping; remove or rename one of them.'),
    zh: (a) => `重复的键：${a.detail}`,
    zhHint: fix('同一映射中每个键只能出现一次，请删除或重命名其中一个。'),
  },
  'yaml-custom-tag': {
    severity: 'error',
    en: (a) => `custom YAML tag ${q(a.tag)} is not allowed`,
    hint: fix('Playbooks use plain YAML values only; remove the `!tag`.'),
    zh: (a) => `不允许使用自定义 YAML 标签 ${q(a.tag)}`,
    zhHint: fix('剧本只能使用普通 YAML 值，请去掉 `!标签`。'),
  },
  'yaml-merge-key': {
    severity: 'error',
    en: fix('YAML merge keys (`<<`) are not supported'),
    hint: fix('Write the fields out, or share them through a template and `extends`.'),
    zh: fix('不支持 YAML 合并键（`<<`）'),
    zhHint: fix('请直接写出字段，或通过模板和 `extends` 共享。'),
  },
  'yaml-complex-key': {
    severity: 'error',
    en: fix('mapping keys must be plain strings or numbers'),
    hint: fix('Use a simple name as the key.'),
    zh: fix('映射的键必须是字符串或数字'),
    zhHint: fix('请使用简单的名称作为键。'),
  },
  'yaml-alias-limit': {
    severity: 'error',
    en: (a) => `too many alias expansions (more than ${a.max}): this looks like an alias bomb`,
    hint: fix('Write the values out instead of expanding aliases recursively.'),
    zh: (a) => `别名展开次数过多（超过 ${a.max}），疑似“别名炸弹”`,
    zhHint: fix('请直接写出值，不要递归展开别名。'),
  },
  'yaml-too-deep': {
    severity: 'error',
    en: (a) => `nesting is deeper than ${a.max} levels`,
    hint: fix('Flatten the structure; no playbook needs this depth.'),
    zh: (a) => `嵌套超过 ${a.max} 层`,
    zhHint: fix('请减少嵌套层级，正常剧本不需要这么深。'),
  },
  'yaml-too-large': {
    severity: 'error',
    en: (a) => `the document expands to more than ${a.max} values`,
    hint: fix('Split the playbook or remove repeated aliases.'),
    zh: (a) => `文档展开后超过 ${a.max} 个值`,
    zhHint: fix('请拆分剧本或删除重复的别名。'),
  },
  'forbidden-key': {
    severity: 'error',
    en: (a) => `the key ${q(a.key)} is not allowed`,
    hint: fix('`__proto__`, `constructor` and `prototype` are reserved; choose another name.'),
    zh: (a) => `不允许使用键 ${q(a.key)}`,
    zhHint: fix('`__proto__`、`constructor` 和 `prototype` 是保留名，请换一个名字。'),
  },
  'not-a-playbook': {
    severity: 'error',
    en: fix('the file is not a playbook: its top level must be a mapping starting with `kith: 1`'),
    hint: fix('Start the file with `kith: 1`, then `id`, `name` and `stages`.'),
    zh: fix('该文件不是剧本：顶层必须是以 `kith: 1` 开头的映射'),
    zhHint: fix('文件应以 `kith: 1` 开头，然后是 `id`、`name` 和 `stages`。'),
  },
  // ------------------------------------------------------------ schema
  'missing-field': {
    severity: 'error',
    en: (a) => `${a.where} is missing the required field ${q(a.field)}`,
    hint: (a) => `Add \`${a.field}:\`${a.description ? ` — ${a.description}` : ''}`,
    zh: (a) => `${a.whereZh} 缺少必填字段 ${q(a.field)}`,
    zhHint: (a) => `请添加 \`${a.field}:\``,
  },
  'unknown-field': {
    severity: 'error',
    en: (a) => `unknown field ${q(a.field)} in ${a.where}`,
    hint: (a) => (a.suggestion ? `Did you mean \`${a.suggestion}\`?` : `Allowed fields: ${a.allowed}.`),
    zh: (a) => `${a.whereZh} 中有未知字段 ${q(a.field)}`,
    zhHint: (a) => (a.suggestion ? `是否想写 \`${a.suggestion}\`？` : `允许的字段：${a.allowed}。`),
  },
  'invalid-id': {
    severity: 'error',
    en: (a) => `${q(a.value)} is not a valid id`,
    hint: fix('Ids start with a lower-case letter and use only a-z, 0-9, - and _ (at most 64 characters).'),
    zh: (a) => `${q(a.value)} 不是合法的 id`,
    zhHint: fix('id 以小写字母开头，只能包含 a-z、0-9、- 和 _（最多 64 个字符）。'),
  },
  'wrong-type': {
    severity: 'error',
    en: (a) => `${a.where} must be ${a.expected}, not ${a.actual}`,
    hint: (a) => (a.example ? `For example: ${a.example}` : 'Change the value to the expected kind.'),
    zh: (a) => `${a.whereZh} 必须是${a.expectedZh}，而不是${a.actualZh}`,
    zhHint: (a) => (a.example ? `例如：${a.example}` : '请改成正确类型的值。'),
  },
  'invalid-value': {
    severity: 'error',
    en: (a) => `${a.where} must be one of ${a.allowed}, not ${a.actual}`,
    hint: fix('Pick one of the allowed values.'),
    zh: (a) => `${a.whereZh} 只能是 ${a.allowed} 之一，而不是 ${a.actual}`,
    zhHint: fix('请从允许的值中选择一个。'),
  },
  'invalid-format': {
    severity: 'error',
    en: (a) => `${a.where} is not valid: ${a.detail}`,
    hint: (a) => (a.example ? `For example: ${a.example}` : 'Check the format described for this field.'),
    zh: (a) => `${a.whereZh} 格式无效：${a.detail}`,
    zhHint: (a) => (a.example ? `例如：${a.example}` : '请检查该字段要求的格式。'),
  },
  'out-of-range': {
    severity: 'error',
    en: (a) => `${a.where} ${a.detail}`,
    hint: fix('Change the value to fit the limit.'),
    zh: (a) => `${a.whereZh} ${a.detailZh}`,
    zhHint: fix('请把值改到允许的范围内。'),
  },
  'invalid-duration': {
    severity: 'error',
    en: (a) => `${q(a.value)} is not a duration`,
    hint: fix('Write a number and a unit: s, m, h, d or w, combinable — e.g. `30m`, `1d`, `1d12h`.'),
    zh: (a) => `${q(a.value)} 不是合法的时长`,
    zhHint: fix('写成数字加单位：s、m、h、d、w，可组合，例如 `30m`、`1d`、`1d12h`。'),
  },
  'invalid-cron': {
    severity: 'error',
    en: (a) => `${q(a.value)} is not a valid cron schedule: ${a.detail}`,
    hint: fix(
      'Use five fields: minute hour day-of-month month day-of-week, e.g. `0 20 * * 5` (Fridays 20:00).',
    ),
    zh: (a) => `${q(a.value)} 不是合法的 cron 表达式：${a.detail}`,
    zhHint: fix('使用五个字段：分 时 日 月 周，例如 `0 20 * * 5`（每周五 20:00）。'),
  },
  'invalid-timezone': {
    severity: 'error',
    en: (a) => `${q(a.value)} is not a known time zone`,
    hint: (a) =>
      a.suggestion
        ? `Did you mean \`${a.suggestion}\`?`
        : 'Use an IANA zone name such as `Asia/Shanghai` or `UTC`.',
    zh: (a) => `${q(a.value)} 不是已知的时区`,
    zhHint: (a) =>
      a.suggestion ? `是否想写 \`${a.suggestion}\`？` : '请使用 IANA 时区名，例如 `Asia/Shanghai` 或 `UTC`。',
  },
  'invalid-currency': {
    severity: 'error',
    en: (a) => `${q(a.value)} is not an ISO 4217 currency code`,
    hint: fix('Use a three-letter code in capitals, e.g. `CNY`, `USD`, `EUR`.'),
    zh: (a) => `${q(a.value)} 不是 ISO 4217 货币代码`,
    zhHint: fix('请使用三个大写字母的代码，例如 `CNY`、`USD`、`EUR`。'),
  },
  'invalid-regex': {
    severity: 'error',
    en: (a) => `${q(a.value)} is not a valid regular expression: ${a.detail}`,
    hint: fix('Fix the pattern (JavaScript syntax); escape special characters with `\\`.'),
    zh: (a) => `${q(a.value)} 不是合法的正则表达式：${a.detail}`,
    zhHint: fix('请修正正则表达式（JavaScript 语法），特殊字符用 `\\` 转义。'),
  },
  'invalid-deadline': {
    severity: 'error',
    en: (a) => `${q(a.value)} is neither an ISO 8601 date-time nor a duration`,
    hint: fix(
      'Write a date-time with its offset (`2026-12-24T20:00:00+08:00`) or a duration after the first order (`7d`).',
    ),
    zh: (a) => `${q(a.value)} 既不是 ISO 8601 日期时间，也不是时长`,
    zhHint: fix('请写带时区偏移的日期时间（`2026-12-24T20:00:00+08:00`）或从第一单起算的时长（`7d`）。'),
  },
  'invalid-time': {
    severity: 'error',
    en: (a) => `${q(a.value)} is neither a time of day (HH:MM) nor an ISO 8601 date-time`,
    hint: fix('Write `09:00` or `2026-12-24T20:00:00+08:00`.'),
    zh: (a) => `${q(a.value)} 既不是时刻（HH:MM），也不是 ISO 8601 日期时间`,
    zhHint: fix('请写成 `09:00` 或 `2026-12-24T20:00:00+08:00`。'),
  },
  // ------------------------------------------------------------ steps and structure
  'step-no-action': {
    severity: 'error',
    en: (a) => `step ${q(a.id)} does nothing: it has no action`,
    hint: (a) => `Give it exactly one of: ${a.kinds}.`,
    zh: (a) => `步骤 ${q(a.id)} 没有任何动作`,
    zhHint: (a) => `请为它添加且只添加一个动作：${a.kinds}。`,
  },
  'step-multiple-actions': {
    severity: 'error',
    en: (a) => `step ${q(a.id)} has several actions (${a.kinds}); a step does one thing`,
    hint: fix('Split it into one step per action, each with its own id.'),
    zh: (a) => `步骤 ${q(a.id)} 有多个动作（${a.kinds}），一个步骤只能做一件事`,
    zhHint: fix('请拆成多个步骤，每个步骤一个动作、各有自己的 id。'),
  },
  'misplaced-field': {
    severity: 'error',
    en: (a) => `${q(a.field)} in step ${q(a.id)} only goes with ${a.with}`,
    hint: (a) => `Remove \`${a.field}\`, or make the step ${a.with}.`,
    zh: (a) => `步骤 ${q(a.id)} 中的 ${q(a.field)} 只能与 ${a.with} 一起使用`,
    zhHint: (a) => `请删除 \`${a.field}\`，或把该步骤改为 ${a.with}。`,
  },
  'duplicate-id': {
    severity: 'error',
    en: (a) => `${a.kind} id ${q(a.id)} is used twice${a.scope ? ` in ${a.scope}` : ''}`,
    hint: (a) => `Ids must be unique; the first use is at line ${a.firstLine}. Rename one of them.`,
    zh: (a) => `${a.kindZh} id ${q(a.id)} 重复使用${a.scope ? `（${a.scope}）` : ''}`,
    zhHint: (a) => `id 必须唯一；第一次出现在第 ${a.firstLine} 行。请重命名其中一个。`,
  },
  'unreachable-step': {
    severity: 'error',
    en: (a) => `step ${q(a.id)} can never run: it follows ${q(a.after)}, which ends the journey`,
    hint: fix('Move it before the `goal`/`exit` step, or remove it.'),
    zh: (a) => `步骤 ${q(a.id)} 永远不会执行：它位于结束旅程的 ${q(a.after)} 之后`,
    zhHint: fix('请把它移到 `goal`/`exit` 步骤之前，或删除它。'),
  },
  'empty-split': {
    severity: 'error',
    en: (a) => `split ${q(a.id)} gives no member to any variant: all weights are 0`,
    hint: fix('Give at least one variant a positive weight.'),
    zh: (a) => `分流 ${q(a.id)} 的所有权重都是 0，没有成员会进入任何分支`,
    zhHint: fix('请至少给一个分支设置正的权重。'),
  },
  'commission-over-100': {
    severity: 'error',
    en: (a) => `commission levels add up to ${a.total}%, more than the order is worth`,
    hint: fix('Lower the rates so that all levels together stay at or below 100%.'),
    zh: (a) => `各级佣金合计 ${a.total}%，超过订单金额`,
    zhHint: fix('请降低比例，使各级合计不超过 100%。'),
  },
  'stage-order': {
    severity: 'warning',
    en: (a) =>
      `stage ${q(a.stage)} comes before ${q(a.before)}; the funnel runs attract → activate → transact → expand`,
    hint: fix('Reorder the stages: written order is funnel order.'),
    zh: (a) => `阶段 ${q(a.stage)} 写在了 ${q(a.before)} 之前；漏斗顺序是 吸引 → 激活 → 成交 → 裂变`,
    zhHint: fix('请调整阶段顺序：书写顺序就是漏斗顺序。'),
  },
  'quiet-hours-empty': {
    severity: 'warning',
    en: fix('quiet hours start and end at the same time, so they never apply'),
    hint: fix('Set different start and end times, or remove `quietHours`.'),
    zh: fix('免打扰时段的开始和结束时间相同，因此不会生效'),
    zhHint: fix('请设置不同的开始和结束时间，或删除 `quietHours`。'),
  },
  // ------------------------------------------------------------ references
  'unknown-reference': {
    severity: 'error',
    en: (a) => `${a.kind} ${q(a.name)} is not defined`,
    hint: (a) =>
      a.suggestion
        ? `Did you mean \`${a.suggestion}\`?`
        : a.known
          ? `Defined ${a.kind}s: ${a.known}.`
          : `Define it under \`${a.section}:\` first.`,
    zh: (a) => `${a.kindZh} ${q(a.name)} 未定义`,
    zhHint: (a) =>
      a.suggestion
        ? `是否想写 \`${a.suggestion}\`？`
        : a.known
          ? `已定义的${a.kindZh}：${a.known}。`
          : `请先在 \`${a.section}:\` 下定义它。`,
  },
  'offer-no-payment': {
    severity: 'error',
    en: (a) => `offer ${q(a.id)} cannot be paid for: no payment instance is defined`,
    hint: fix(
      'Add a payment provider under `payments:`, e.g. `pay: { use: stripe, with: { apiKey: "${secrets.STRIPE_KEY}" } }`.',
    ),
    zh: (a) => `商品 ${q(a.id)} 无法付款：没有定义任何支付实例`,
    zhHint: fix(
      '请在 `payments:` 下添加支付服务，例如 `pay: { use: stripe, with: { apiKey: "${secrets.STRIPE_KEY}" } }`。',
    ),
  },
  'secret-outside-with': {
    severity: 'error',
    en: fix('secrets may only be referenced inside a plugin’s `with:` block'),
    hint: fix('Move the `${secrets.…}` reference into the channel’s or payment’s `with:` configuration.'),
    zh: fix('密钥只能在插件的 `with:` 配置中引用'),
    zhHint: fix('请把 `${secrets.…}` 引用移到渠道或支付的 `with:` 配置中。'),
  },
  'literal-secret': {
    severity: 'error',
    en: (a) => `${q(a.field)} looks like a credential written in the playbook`,
    hint: (a) =>
      `Store it as a secret and write \`\${secrets.${a.suggestion}}\`; declare it under \`secrets:\`.`,
    zh: (a) => `${q(a.field)} 看起来是直接写在剧本里的凭据`,
    zhHint: (a) => `请把它存为密钥并写成 \`\${secrets.${a.suggestion}}\`，并在 \`secrets:\` 下声明。`,
  },
  'unused-definition': {
    severity: 'warning',
    en: (a) => `${a.kind} ${q(a.name)} is defined but never used`,
    hint: fix('Use it in a step or remove it.'),
    zh: (a) => `${a.kindZh} ${q(a.name)} 已定义但从未使用`,
    zhHint: fix('请在步骤中使用它，或删除它。'),
  },
  // ------------------------------------------------------------ expressions and templates
  'expression-syntax': {
    severity: 'error',
    en: (a) => `condition error: ${a.detail}`,
    hint: fix(
      "Conditions look like `member.referrals >= 20 && 'vip' in member.tags`; see docs/playbook-language.md#expressions.",
    ),
    zh: (a) => `条件表达式错误：${a.detail}`,
    zhHint: fix(
      "条件写法如 `member.referrals >= 20 && 'vip' in member.tags`，参见 docs/playbook-language.md#expressions。",
    ),
  },
  'unknown-variable': {
    severity: 'error',
    en: (a) => `unknown variable ${q(a.name)} in ${a.context === 'message' ? 'message text' : 'condition'}`,
    hint: (a) => (a.suggestion ? `Did you mean \`${a.suggestion}\`?` : `Available here: ${a.known}.`),
    zh: (a) => `${a.context === 'message' ? '消息模板' : '条件'}中有未知变量 ${q(a.name)}`,
    zhHint: (a) => (a.suggestion ? `是否想写 \`${a.suggestion}\`？` : `此处可用：${a.known}。`),
  },
  'template-syntax': {
    severity: 'error',
    en: (a) => `message template error: ${a.detail}`,
    hint: fix(
      'Templates use Liquid: `{{ member.name }}`, `{% if … %}…{% endif %}`; close every `{{` and `{%`.',
    ),
    zh: (a) => `消息模板错误：${a.detail}`,
    zhHint: fix(
      '模板使用 Liquid 语法：`{{ member.name }}`、`{% if … %}…{% endif %}`；每个 `{{` 和 `{%` 都要闭合。',
    ),
  },
  // ------------------------------------------------------------ params, templates and versions
  'param-type': {
    severity: 'error',
    en: (a) => `parameter ${q(a.name)} must be ${a.expected}, not ${a.actual}`,
    hint: (a) => `Give \`${a.name}\` a value of type ${a.type}${a.detail ? ` (${a.detail})` : ''}.`,
    zh: (a) => `参数 ${q(a.name)} 必须是${a.expectedZh}，而不是 ${a.actual}`,
    zhHint: (a) => `请为 \`${a.name}\` 提供 ${a.type} 类型的值${a.detail ? `（${a.detail}）` : ''}。`,
  },
  'param-missing': {
    severity: 'error',
    en: (a) => `the template needs a value for parameter ${q(a.name)}`,
    hint: (a) => `Add \`${a.name}:\` under \`extends.params\`${a.description ? ` — ${a.description}` : ''}.`,
    zh: (a) => `模板需要参数 ${q(a.name)} 的值`,
    zhHint: (a) => `请在 \`extends.params\` 下添加 \`${a.name}:\`。`,
  },
  'param-unknown': {
    severity: 'error',
    en: (a) => `the template has no parameter ${q(a.name)}`,
    hint: (a) => (a.suggestion ? `Did you mean \`${a.suggestion}\`?` : `Its parameters: ${a.known}.`),
    zh: (a) => `模板没有参数 ${q(a.name)}`,
    zhHint: (a) => (a.suggestion ? `是否想写 \`${a.suggestion}\`？` : `模板的参数有：${a.known}。`),
  },
  'extends-cycle': {
    severity: 'error',
    en: (a) => `templates extend each other in a cycle: ${a.cycle}`,
    hint: fix('Break the cycle: a template must not extend (directly or not) a playbook that extends it.'),
    zh: (a) => `模板之间存在循环继承：${a.cycle}`,
    zhHint: fix('请打破循环：模板不能（直接或间接）继承继承了它的剧本。'),
  },
  'extends-not-found': {
    severity: 'error',
    en: (a) => `template ${q(a.spec)} cannot be found${a.detail ? `: ${a.detail}` : ''}`,
    hint: fix(
      'Give a path relative to this file (`../mother-baby/playbook.yaml`) or an installed package name.',
    ),
    zh: (a) => `找不到模板 ${q(a.spec)}${a.detail ? `：${a.detail}` : ''}`,
    zhHint: fix('请写相对于本文件的路径（`../mother-baby/playbook.yaml`）或已安装的包名。'),
  },
  'override-unknown-step': {
    severity: 'error',
    en: (a) => `override ${q(a.target)} matches no step${a.detail ? ` (${a.detail})` : ''}`,
    hint: fix('Name a step as `journey.step`, or by its id when that id is unique in the playbook.'),
    zh: (a) => `覆盖项 ${q(a.target)} 没有匹配的步骤${a.detail ? `（${a.detail}）` : ''}`,
    zhHint: fix('请用 `旅程.步骤` 的形式，或在步骤 id 全局唯一时直接写 id。'),
  },
  'migrate-unknown-step': {
    severity: 'error',
    en: (a) => `migration target ${q(a.step)} is not a step of journey ${q(a.journey)}`,
    hint: (a) =>
      a.suggestion ? `Did you mean \`${a.suggestion}\`?` : `Steps of \`${a.journey}\`: ${a.known}.`,
    zh: (a) => `迁移目标 ${q(a.step)} 不是旅程 ${q(a.journey)} 中的步骤`,
    zhHint: (a) =>
      a.suggestion ? `是否想写 \`${a.suggestion}\`？` : `\`${a.journey}\` 的步骤有：${a.known}。`,
  },
  'plugin-unknown': {
    severity: 'warning',
    en: (a) => `plugin ${q(a.name)} is not installed`,
    hint: (a) => `Install it (\`pnpm add ${a.name}\`) or use one of: ${a.known}.`,
    zh: (a) => `插件 ${q(a.name)} 未安装`,
    zhHint: (a) => `请安装它（\`pnpm add ${a.name}\`），或使用以下插件之一：${a.known}。`,
  },
  'plugin-config': {
    severity: 'error',
    en: (a) => `${a.where}: ${a.detail}`,
    hint: (a) => `See the ${a.plugin} plugin’s configuration in the plugin catalogue.`,
    zh: (a) => `${a.whereZh}：${a.detail}`,
    zhHint: (a) => `请参阅插件目录中 ${a.plugin} 插件的配置说明。`,
  },
};

export function messageFor(code: string): Entry {
  const entry = MESSAGES[code];
  if (!entry) throw new Error(`no message for diagnostic code ${code}`);
  return entry;
}
