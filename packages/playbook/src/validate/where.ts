/**
 * Human names for places in a playbook ("step `hello` of journey `welcome`"), so messages say
 * where in words as well as in line and column.
 */
export interface Where {
  en: string;
  zh: string;
}

const SECTIONS: Record<string, [string, string]> = {
  channels: ['channel', '渠道'],
  payments: ['payment', '支付'],
  entries: ['entry', '入口'],
  tiers: ['tier', '等级'],
  groups: ['group pool', '群组池'],
  offers: ['offer', '商品'],
  rituals: ['ritual', '仪式'],
  signals: ['signal', '信号'],
  params: ['parameter', '参数'],
  secrets: ['secret', '密钥'],
  stages: ['stage', '阶段'],
};

const STEP_LISTS = new Set(['steps', 'then', 'else', 'onTimeout']);

export function describeWhere(root: unknown, path: readonly (string | number)[]): Where {
  let entity: Where = { en: 'the playbook', zh: '剧本' };
  let entityDepth = 0;
  let value: unknown = root;
  let journey = '';
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const parentKey = i > 0 ? path[i - 1] : undefined;
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string | number, unknown>)[seg]
        : undefined;
    const obj = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    if (i === 1 && typeof path[0] === 'string' && SECTIONS[path[0]]) {
      const [en, zh] = SECTIONS[path[0]]!;
      entity = { en: `${en} \`${seg}\``, zh: `${zh} \`${seg}\`` };
      entityDepth = i + 1;
    } else if (parentKey === 'journeys' && obj) {
      journey = String(obj.journey ?? seg);
      entity = { en: `journey \`${journey}\``, zh: `旅程 \`${journey}\`` };
      entityDepth = i + 1;
    } else if (typeof parentKey === 'string' && STEP_LISTS.has(parentKey) && typeof seg === 'number' && obj) {
      const id = String(obj.id ?? `#${seg + 1}`);
      entity = journey
        ? { en: `step \`${id}\` of journey \`${journey}\``, zh: `旅程 \`${journey}\` 的步骤 \`${id}\`` }
        : { en: `step \`${id}\``, zh: `步骤 \`${id}\`` };
      entityDepth = i + 1;
    } else if (parentKey === 'rules' && obj) {
      const id = String(obj.id ?? `#${Number(seg) + 1}`);
      entity = { en: `moderation rule \`${id}\``, zh: `管理规则 \`${id}\`` };
      entityDepth = i + 1;
    }
  }
  const rest = path.slice(entityDepth).filter((s) => typeof s === 'string');
  if (rest.length === 0) return entity;
  const field = rest.join('.');
  return { en: `\`${field}\` of ${entity.en}`, zh: `${entity.zh} 的 \`${field}\`` };
}
