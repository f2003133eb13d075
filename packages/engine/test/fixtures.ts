/** Shared playbook fragments for engine tests. */
export const HEAD = `
kith: 1
id: t
name: Test
timezone: Asia/Shanghai
channels:
  tg: { use: telegram }
payments:
  pay: { use: stripe }
`;

/** A playbook with one stage and the given journeys (YAML, indented as list items under `journeys:`). */
export function withJourneys(journeys: string, extra = ''): string {
  const body = journeys
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return `${HEAD}${extra}
stages:
  attract:
    journeys:
${body}
`;
}
