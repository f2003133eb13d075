import type { Lang } from '../i18n.js';

/**
 * `kith test`'s own words. The summary line (`N passed, M failed`) is not here: it is a
 * machine-readable contract CI greps for, printed the same in every language.
 */
interface Words {
  invalid: string;
  expected: string;
  actual: string;
  sentSince: (moment: string, n: number) => string;
  noneSent: (moment: string) => string;
  noTests: (paths: string[]) => string;
  checks: (n: number) => string;
}

const en: Words = {
  invalid: 'invalid test',
  expected: 'expected:',
  actual: 'actual:  ',
  sentSince: (m, n) => `messages sent since ${m === 'start' ? 'the start' : m} (${n}):`,
  noneSent: (m) => `no messages were sent since ${m === 'start' ? 'the start' : m}`,
  noTests: (ps) => `no test files found in ${ps.join(', ')} (a test file is named *.test.yaml or *.test.yml)`,
  checks: (n) => `${n} ${n === 1 ? 'check' : 'checks'}`,
};

const zh: Words = {
  invalid: '测试文件无效',
  expected: '预期：',
  actual: '实际：',
  sentSince: (m, n) => `自${m === 'start' ? '开始' : ` ${m} `}以来发送的消息（${n} 条）：`,
  noneSent: (m) => `自${m === 'start' ? '开始' : ` ${m} `}以来没有发送任何消息`,
  noTests: (ps) => `在 ${ps.join('、')} 中没有找到测试文件（测试文件名为 *.test.yaml 或 *.test.yml）`,
  checks: (n) => `${n} 项检查`,
};

export function testWords(lang: Lang): Words {
  return lang === 'zh-CN' ? zh : en;
}
