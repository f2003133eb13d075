/** A valid playbook of about `stepCount` steps, spread over journeys in all four stages. */
export function generatePlaybook(stepCount: number): string {
  const lines = [
    'kith: 1',
    'id: bench',
    'name: Generated benchmark playbook',
    'timezone: Asia/Shanghai',
    'params:',
    '  brand: { type: string, default: Bench }',
    '  price: { type: money, default: 5900 }',
    'secrets:',
    '  PAY_WEBHOOK_SECRET: { description: Signs the payment sandbox webhooks }',
    'channels:',
    '  group: { use: sandbox }',
    'payments:',
    "  pay: { use: payment-sandbox, with: { webhookSecret: '${secrets.PAY_WEBHOOK_SECRET}' } }",
    'tiers:',
    '  member: {}',
    '  kol: { when: "member.referrals >= 20" }',
    'offers:',
    '  box: { price: "${params.price}", currency: CNY, tierPrice: { kol: 4700 } }',
    'stages:',
  ];
  const stages = ['attract', 'activate', 'transact', 'expand'];
  const perJourney = 10;
  // Each journey holds about `perJourney` steps (nested `then` steps count too).
  const journeys = Math.ceil(stepCount / (perJourney - 2)) + stages.length;
  let written = 0;
  for (const [si, stage] of stages.entries()) {
    lines.push(`  ${stage}:`, '    journeys:');
    if (written >= stepCount)
      lines.push(
        `      - journey: tail${si}`,
        '        on: member.joined',
        '        steps:',
        '          - { id: only, score: 1 }',
      );
    for (let j = si; j < journeys; j += stages.length) {
      if (written >= stepCount) break;
      lines.push(
        `      - journey: j${j}`,
        `        on: { event: member.joined, filter: "event.entry == 'e${j}'" }`,
        '        steps:',
      );
      for (let k = 0; k < perJourney && written < stepCount; k++, written++) {
        const id = `s${k}`;
        switch (k % 5) {
          case 0:
            lines.push(
              `          - id: ${id}`,
              `            send: { via: group, text: "Hello {{ member.name }} from {{ params.brand }} #${k}" }`,
            );
            break;
          case 1:
            lines.push(`          - id: ${id}`, '            wait: 1d12h');
            break;
          case 2:
            lines.push(
              `          - id: ${id}`,
              '            if: "member.messages == 0 && member.points < 100"',
              '            then:',
            );
            lines.push(
              `              - id: ${id}a`,
              '                send: { via: group, text: "Tell us about you?" }',
            );
            written++;
            break;
          case 3:
            lines.push(
              `          - id: ${id}`,
              '            offer: { offer: box, via: group, text: "{{ offer.name }}: {{ checkout.url }}" }',
            );
            break;
          default:
            lines.push(`          - id: ${id}`, '            score: { points: 5, reason: engaged }');
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
