import { renderTemplate } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { compileTemplate } from '../src/compile/template.js';
import { fromWall, minuteOfDay, nextCronRun, nextLocalTime, zoneOffset } from '../src/index.js';

const at = (iso: string) => Date.parse(iso);
const H = 3_600_000;

describe('time zones', () => {
  it('offsets follow DST', () => {
    expect(zoneOffset('America/New_York', at('2026-03-08T06:59:00Z'))).toBe(-5 * H);
    expect(zoneOffset('America/New_York', at('2026-03-08T07:00:00Z'))).toBe(-4 * H);
    expect(zoneOffset('Asia/Kolkata', at('2026-03-08T07:00:00Z'))).toBe(5.5 * H);
    expect(zoneOffset('Nowhere/Invalid', 0)).toBe(0);
  });

  it('maps wall times in a spring-forward gap forward and in a fall-back overlap to the first occurrence', () => {
    const wall = (s: string) => Date.parse(`${s}Z`);
    expect(fromWall('America/New_York', wall('2026-03-08T02:30:00'))).toBe(at('2026-03-08T07:30:00Z')); // 03:30 EDT
    expect(fromWall('America/New_York', wall('2026-11-01T01:30:00'))).toBe(at('2026-11-01T05:30:00Z')); // first 01:30 (EDT)
    expect(fromWall('America/New_York', wall('2026-07-01T09:00:00'))).toBe(at('2026-07-01T13:00:00Z'));
  });

  it('finds the next local time of day strictly after an instant', () => {
    expect(nextLocalTime('America/New_York', at('2026-03-07T14:00:00Z'), 8 * 60)).toBe(
      at('2026-03-08T12:00:00Z'),
    );
    // exactly 09:00 in Shanghai: the next 09:00 is tomorrow's
    expect(nextLocalTime('Asia/Shanghai', at('2026-01-05T01:00:00Z'), 9 * 60)).toBe(
      at('2026-01-06T01:00:00Z'),
    );
    expect(nextLocalTime('Asia/Shanghai', at('2026-01-05T00:59:00Z'), 9 * 60)).toBe(
      at('2026-01-05T01:00:00Z'),
    );
    expect(minuteOfDay('Asia/Shanghai', at('2026-01-05T01:30:00Z'))).toBe(9 * 60 + 30);
  });

  it('runs cron in a time zone across DST', () => {
    expect(nextCronRun('30 7 * * *', 'America/New_York', at('2026-03-07T13:00:00Z'))).toBe(
      at('2026-03-08T11:30:00Z'),
    );
  });
});

describe('compiled templates', () => {
  const scope = {
    member: { name: 'Ann', points: 12, tags: ['a', 'b'], attributes: { city: 'HZ' }, ok: true, none: null },
    params: { brand: 'Stars' },
    offer: { currency: 'CNY', usd: 'usd', odd: 'XYZ', nested: { currency: 'JPY' } },
    price: 5900,
    text: '1250',
    bad: 'abc',
    list: [1, 2],
    event: { amount: 12345 },
  };
  const cases = [
    'plain text',
    'Hi {{ member.name }}!',
    '{{member.points}} pts {{ member.ok }} {{ member.none }}{{ member.missing }}',
    '{{ member.attributes.city }} / {{ params.brand }}',
    '{{ member.tags }}',
    '{{ member.tags.size }} {{ member.tags | join: "," }}',
    '{% if member.points > 10 %}many{% endif %}',
    '{{- member.name -}} x',
    '价格：{{ price | money: offer.currency }}　👉 {{ params.brand }}',
    '{{ price|money:offer.currency }} {{ price | money }} {{ text | money: offer.usd }}',
    "{{ event.amount | money: 'CNY' }} {{ event.amount | money: \"USD\" }} {{ price | money: 'xyz' }}",
    '{{ price | money: offer.odd }} {{ price | money: offer.missing }} {{ price | money: offer.nested.currency }}',
    '{{ bad | money: offer.currency }} {{ missing | money: offer.currency }} {{ list | money }}',
    '{{ price | money: offer.currency, "de-DE" }} {{ price | money: offer.currency | upcase }}',
    '{{ price | money: offer }} {{ member.points | money: member.ok }}',
  ];
  it.each(cases)('renders %j exactly as Liquid does', (src) => {
    const t = compileTemplate(src);
    if (typeof t !== 'function') throw new Error(t.error);
    expect(t(scope)).toBe(renderTemplate(src, scope));
    // the second time from the money cache
    expect(t(scope)).toBe(renderTemplate(src, scope));
  });
});
