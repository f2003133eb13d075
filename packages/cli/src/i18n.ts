/**
 * The CLI's own words (not diagnostics: those carry their own English and Chinese text).
 * Keep keys few; every key needs both languages (the type checker enforces it).
 */
export type Lang = 'en' | 'zh-CN';

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}

type Plural = (n: number) => string;

interface Messages {
  severity: { error: string; warning: string; info: string };
  /** Label before a hint, with its colon (and space, in English). */
  hint: string;
  errors: Plural;
  warnings: Plural;
  infos: Plural;
  list: (parts: string[]) => string;
  /** `✖ 3 errors, 1 warning in 2 of 9 files` */
  problemsIn: (counts: string, bad: number, total: number) => string;
  /** `✔ 9 playbooks valid` */
  allValid: (n: number) => string;
  notFound: (path: string) => string;
  noGlobMatch: (pattern: string) => string;
  noPlaybooks: (paths: string[]) => string;
  crashed: (message: string) => string;
  crashedHint: string;
  errorLabel: string;
  seeHelp: (cmd: string) => string;
}

const en: Messages = {
  severity: { error: 'error', warning: 'warning', info: 'info' },
  hint: 'hint: ',
  errors: (n) => `${n} ${n === 1 ? 'error' : 'errors'}`,
  warnings: (n) => `${n} ${n === 1 ? 'warning' : 'warnings'}`,
  infos: (n) => `${n} ${n === 1 ? 'note' : 'notes'}`,
  list: (parts) => parts.join(', '),
  problemsIn: (counts, bad, total) => `${counts} in ${bad} of ${total} ${total === 1 ? 'file' : 'files'}`,
  allValid: (n) => `${n} ${n === 1 ? 'playbook' : 'playbooks'} valid`,
  notFound: (p) => `no such file or directory: ${p}`,
  noGlobMatch: (p) => `no files match the pattern: ${p}`,
  noPlaybooks: (ps) =>
    `no playbooks found in ${ps.join(', ')} (a playbook is a .yaml/.yml file whose first key is \`kith:\`)`,
  crashed: (m) => `could not validate this file: ${m}`,
  crashedHint: 'this is a bug in kith; please report it with the file attached',
  errorLabel: 'error:',
  seeHelp: (cmd) => `Run '${cmd} --help' for usage.`,
};

const zh: Messages = {
  severity: { error: '错误', warning: '警告', info: '提示' },
  hint: '建议：',
  errors: (n) => `${n} 个错误`,
  warnings: (n) => `${n} 个警告`,
  infos: (n) => `${n} 条提示`,
  list: (parts) => parts.join('、'),
  problemsIn: (counts, bad, total) => `${total} 个文件中有 ${bad} 个存在问题：${counts}`,
  allValid: (n) => `${n} 个剧本全部有效`,
  notFound: (p) => `文件或目录不存在：${p}`,
  noGlobMatch: (p) => `没有文件匹配该模式：${p}`,
  noPlaybooks: (ps) => `在 ${ps.join('、')} 中没有找到剧本（剧本是第一个键为 \`kith:\` 的 .yaml/.yml 文件）`,
  crashed: (m) => `无法校验此文件：${m}`,
  crashedHint: '这是 kith 的缺陷，请附上该文件报告问题',
  errorLabel: '错误：',
  seeHelp: (cmd) => `运行 '${cmd} --help' 查看用法。`,
};

export function messages(lang: Lang): Messages {
  return lang === 'zh-CN' ? zh : en;
}
