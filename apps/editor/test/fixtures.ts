/** A small playbook with the comments, blank lines and styles an operator would write. */
export const PLAYBOOK = `# Welcome flow for the pilot
kith: 1
id: pilot
name: Pilot
channels:
  group: { use: sandbox }   # the test channel
  mail: { use: email }
offers:
  box: { price: 990, currency: CNY }
stages:
  attract:
    journeys:
      # Greets every new member.
      - journey: welcome
        on: member.joined
        steps:
          # First contact: keep it short.
          - id: hello
            send:
              via: group
              text: "Welcome {{ member.name }}!"   # tested copy
          - id: settle
            wait: 1d

          - id: nudge
            if: member.messages == 0
            then:
              - id: ask
                send: { via: group, text: Tell us about you? }
            else:
              - id: thanks
                score: 10
  activate:
    journeys:
      - journey: first-week
        on: { stage: activate }
        description: >-
          A long folded description that the board must never refold,
          whatever it edits elsewhere.
        steps:
          - id: tip
            send: { via: mail, subject: Week one, text: Hi }
  vip:
    name: VIP
    journeys: []
  transact: {}
  expand:
    journeys:
      - journey: invite
        on: member.joined
        steps:
          - { id: ask-invite, send: { via: group, text: Invite a friend } }
          - id: done
            goal: invited
`;

/** Lines of `after` that are not in `before` and vice versa, to assert an edit touched little. */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  const count = (xs: string[]) =>
    xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  const removed: string[] = [];
  const added: string[] = [];
  for (const [line, n] of ca) for (let i = 0; i < n - (cb.get(line) ?? 0); i++) removed.push(line);
  for (const [line, n] of cb) for (let i = 0; i < n - (ca.get(line) ?? 0); i++) added.push(line);
  return { removed, added };
}
