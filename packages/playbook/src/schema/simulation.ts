import { type Static, Type } from '@sinclair/typebox';
import { doc, Obj } from './common.js';

/**
 * A simulation profile (`simulation.yaml` beside a template): the synthetic community a playbook
 * is run on before it goes live. Probabilities are numbers in [0, 1]; they never touch money.
 */

const Probability = (description: string, example: number) =>
  Type.Number({ minimum: 0, maximum: 1, ...doc(description, [example]) });

export const Behaviour = Obj(
  {
    reply: Probability('Chance per day that a member writes a message.', 0.3),
    click: Probability('Chance that a member clicks a button on a message they got.', 0.2),
    checkin: Probability('Chance that a member checks in to a ritual occurrence.', 0.4),
    acceptCovenant: Probability('Chance that a member accepts the covenant when asked.', 0.9),
    purchase: Probability('Chance that a member pays a checkout they were sent.', 0.05),
    invite: Probability('Chance per day that a member brings a new member.', 0.02),
    churn: Probability('Chance per day that a member leaves.', 0.005),
    refund: Probability('Chance that a paid order is refunded.', 0.02),
    violate: Probability('Chance that a message breaks a covenant rule.', 0.01),
  },
  doc('Behaviour probabilities; unspecified ones fall back to `default`.', [{ reply: 0.3, purchase: 0.05 }]),
);

export const Arrival = Obj(
  {
    entry: Type.String(doc('The entry id members arrive through (`event.entry`).', ['room-card'])),
    source: Type.String(doc('A source label for the funnel report.', ['poster'])),
    share: Probability('Share of all organic arrivals that come this way.', 0.6),
  },
  { required: ['share'], ...doc('Where new members come from.', [{ entry: 'room-card', share: 0.6 }]) },
);

export const SimulationProfile = Obj(
  {
    $schema: Type.String(
      doc('The JSON Schema this file follows.', ['../../packages/playbook/schema/simulation.schema.json']),
    ),
    'kith-simulation': Type.Literal(1, doc('Version of the profile format.', [1])),
    description: Type.String(
      doc('What community this profile models.', ['A city mother-and-baby community']),
    ),
    members: Type.Integer({
      minimum: 1,
      ...doc('Organic arrivals over the whole run (referrals come on top).', [100000]),
    }),
    days: Type.Integer({ minimum: 1, maximum: 3650, ...doc('Days simulated.', [30]) }),
    seed: Type.Integer(doc('Random seed; the same seed gives the same report, byte for byte.', [42])),
    start: Type.String(doc('Virtual start time (ISO 8601 with offset).', ['2026-03-01T00:00:00+08:00'])),
    arrivals: Type.Array(
      Arrival,
      doc('Arrival sources; shares are normalised.', [[{ entry: 'room-card', share: 1 }]]),
    ),
    curve: Type.Union([Type.Literal('flat'), Type.Literal('launch'), Type.Literal('growth')], {
      ...doc('Arrivals over time: even, a launch spike then decay, or steady growth.', ['launch']),
    }),
    behaviour: Type.Record(Type.String(), Behaviour, {
      ...doc('Behaviour by tier id; `default` applies to every tier.', [
        { default: { reply: 0.3 }, kol: { invite: 0.2 } },
      ]),
    }),
    attributes: Type.Record(
      Type.String(),
      Type.Record(
        Type.String(),
        Type.Number({ minimum: 0, ...doc('Relative weight.', [0.3]) }),
        doc('Values and their weights.', [{ Shanghai: 3, Beijing: 2 }]),
      ),
      doc('Synthetic member attributes (for introductions and segments).', [
        { city: { Shanghai: 3, Beijing: 2 } },
      ]),
    ),
    keywords: Type.Record(Type.String(), Probability('Chance that a message contains this word.', 0.01), {
      ...doc('Words that appear in members’ messages (drives signals and moderation).', [{ 熬夜: 0.02 }]),
    }),
  },
  {
    $id: 'https://kith.dev/schema/simulation.schema.json',
    title: 'Kith simulation profile',
    required: ['kith-simulation'],
    ...doc('A synthetic community to run a playbook on.', [
      { 'kith-simulation': 1, members: 1000, days: 30, seed: 1 },
    ]),
  },
);

export type SimulationProfile = Static<typeof SimulationProfile>;
export type Behaviour = Static<typeof Behaviour>;
