/**
 * What the runner says, in English and Simplified Chinese: diagnostics carry both, and the CLI
 * shows the one asked for. One entry per code; codes are stable (tools key on them).
 */
export interface Words {
  message: string;
  hint: string;
}

export type Bilingual = { en: Words; zh: Words };

const q = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const list = (xs: readonly unknown[], empty: string) => (xs.length === 0 ? empty : xs.map(q).join(', '));
const listZh = (xs: readonly unknown[], empty: string) => (xs.length === 0 ? empty : xs.map(q).join('、'));

/** Problems in the test file found before anything runs. */
export const SETUP = {
  unknownMember: (name: string, known: string[]): Bilingual => ({
    en: {
      message: `member ${q(name)} is not defined`,
      hint: `Add it under \`members:\`, or use one of: ${list(known, 'none yet')}.`,
    },
    zh: {
      message: `成员 ${q(name)} 未定义`,
      hint: `请在 \`members:\` 下添加，或使用：${listZh(known, '（暂无）')}。`,
    },
  }),
  unknownRef: (kind: string, kindZh: string, name: string, known: string[]): Bilingual => ({
    en: {
      message: `the playbook has no ${kind} ${q(name)}`,
      hint: `Its ${kind === 'journey step' ? 'steps' : `${kind}s`}: ${list(known, 'none')}.`,
    },
    zh: { message: `剧本中没有${kindZh} ${q(name)}`, hint: `剧本中的${kindZh}：${listZh(known, '无')}。` },
  }),
  needsMember: (field: string): Bilingual => ({
    en: { message: `\`${field}\` needs \`member:\``, hint: 'Name the member who pays or is refunded.' },
    zh: { message: `\`${field}\` 需要 \`member:\``, hint: '请写明付款或退款的成员。' },
  }),
  order: (at: string, before: string): Bilingual => ({
    en: {
      message: `timeline moment ${q(at)} comes before the previous one (${q(before)})`,
      hint: 'Write the timeline in time order.',
    },
    zh: { message: `时间点 ${q(at)} 早于上一个时间点（${q(before)}）`, hint: '请按时间顺序书写时间线。' },
  }),
  playbookParams: (detail: Words, detailZh: Words): Bilingual => ({
    en: { message: `the playbook under test: ${detail.message}`, hint: detail.hint },
    zh: { message: `被测剧本：${detailZh.message}`, hint: detailZh.hint },
  }),
  unreadable: (file: string, reason: string): Bilingual => ({
    en: { message: `cannot read ${q(file)}: ${reason}`, hint: 'Check the path.' },
    zh: { message: `无法读取 ${q(file)}：${reason}`, hint: '请检查路径。' },
  }),
};

/** Expectations that did not hold, and what went wrong while running. */
export const FAIL = {
  message: (spec: string, sent: number): Bilingual => ({
    en: {
      message: `no message ${spec} was sent`,
      hint: sent === 0 ? 'No messages at all were sent in this window.' : 'See the messages that were sent.',
    },
    zh: {
      message: `没有发送 ${spec} 的消息`,
      hint: sent === 0 ? '这段时间内没有发送任何消息。' : '请看下方实际发送的消息。',
    },
  }),
  messageCount: (expected: number, actual: number): Bilingual => ({
    en: {
      message: `expected ${expected} message${expected === 1 ? '' : 's'} since the previous \`expect\`, ${actual} ${actual === 1 ? 'was' : 'were'} sent`,
      hint: 'See the messages that were sent.',
    },
    zh: {
      message: `预期自上一个 \`expect\` 以来发送 ${expected} 条消息，实际发送 ${actual} 条`,
      hint: '请看下方实际发送的消息。',
    },
  }),
  noMessages: (member: string, actual: number): Bilingual => ({
    en: {
      message: `${q(member)} was to receive nothing, but got ${actual} message${actual === 1 ? '' : 's'}`,
      hint: 'See the messages that were sent.',
    },
    zh: { message: `${q(member)} 不应收到消息，实际收到 ${actual} 条`, hint: '请看下方实际发送的消息。' },
  }),
  value: (what: string, whatZh: string, member: string, expected: unknown, actual: unknown): Bilingual => ({
    en: {
      message: `${q(member)}: ${what} is ${q(actual)}, expected ${q(expected)}`,
      hint: 'The playbook behaved differently from what the test expects.',
    },
    zh: {
      message: `${q(member)}：${whatZh}为 ${q(actual)}，预期为 ${q(expected)}`,
      hint: '剧本的实际行为与测试预期不同。',
    },
  }),
  missing: (what: string, whatZh: string, member: string, missing: string[], has: string[]): Bilingual => ({
    en: {
      message: `${q(member)} lacks ${what} ${list(missing, '')} (has: ${list(has, 'none')})`,
      hint: 'The playbook behaved differently from what the test expects.',
    },
    zh: {
      message: `${q(member)} 缺少${whatZh} ${listZh(missing, '')}（现有：${listZh(has, '无')}）`,
      hint: '剧本的实际行为与测试预期不同。',
    },
  }),
  noState: (member: string): Bilingual => ({
    en: {
      message: `${q(member)} is not in the community: no event about them has arrived yet`,
      hint: 'Members join at the start unless `joined: false`; send `member.joined` on the timeline for those.',
    },
    zh: {
      message: `${q(member)} 不在社群中：还没有收到任何关于该成员的事件`,
      hint: '成员默认在开始时加入；`joined: false` 的成员需要在时间线上发送 `member.joined`。',
    },
  }),
  ledger: (field: string, expected: number, actual: number): Bilingual => ({
    en: {
      message: `ledger ${field} is ${actual}, expected ${expected}`,
      hint: 'Totals are over every order in the test community (money in minor units).',
    },
    zh: {
      message: `账本 ${field} 为 ${actual}，预期为 ${expected}`,
      hint: '合计的是测试社群里的全部订单（金额以最小货币单位计）。',
    },
  }),
  unsupported: (what: string, needs: string): Bilingual => ({
    en: {
      message: `cannot check ${what}: ${needs}`,
      hint: 'The expectation stays failing until the engine has the mechanic; it is never skipped.',
    },
    zh: {
      message: `无法检查 ${what}：${needs}`,
      hint: '在引擎具备该机制之前，此预期会一直失败，而不会被跳过。',
    },
  }),
  events: (type: string, seen: string[]): Bilingual => ({
    en: {
      message: `no ${q(type)} event was emitted since the previous \`expect\` (emitted: ${list(seen, 'none')})`,
      hint: 'Events emitted by journeys, the engine and mechanics count; events sent by the test do not.',
    },
    zh: {
      message: `自上一个 \`expect\` 以来没有产生 ${q(type)} 事件（已产生：${listZh(seen, '无')}）`,
      hint: '旅程、引擎和机制产生的事件都计入；测试自己发送的事件不计入。',
    },
  }),
  noCheckout: (member: string, offer: string, open: string[]): Bilingual => ({
    en: {
      message: `${q(member)} has no open checkout for offer ${q(offer)}`,
      hint: `A checkout opens when an \`offer\` step runs for the member. Open checkouts: ${list(open, 'none')}.`,
    },
    zh: {
      message: `${q(member)} 没有商品 ${q(offer)} 的待支付订单`,
      hint: `成员执行到 \`offer\` 步骤时才会生成待支付订单。现有待支付订单：${listZh(open, '无')}。`,
    },
  }),
  noPaidOrder: (member: string, offer: string): Bilingual => ({
    en: {
      message: `${q(member)} has no paid order for offer ${q(offer)} to refund`,
      hint: 'Pay it first (`pay:`), at an earlier moment.',
    },
    zh: {
      message: `${q(member)} 没有可退款的商品 ${q(offer)} 已支付订单`,
      hint: '请先在更早的时间点用 `pay:` 支付。',
    },
  }),
  crashed: (reason: string): Bilingual => ({
    en: { message: `the engine failed at this moment: ${reason}`, hint: 'This is a bug; please report it.' },
    zh: { message: `引擎在此时间点出错：${reason}`, hint: '这是一个缺陷，请报告。' },
  }),
};
