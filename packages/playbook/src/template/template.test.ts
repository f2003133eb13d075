import { describe, expect, it } from 'vitest';
import { currencyDigits } from './filters.js';
import {
  parseTemplate,
  renderTemplate,
  TEMPLATE_FILTERS,
  TemplateRenderError,
  TemplateSyntaxError,
  templateReferences,
} from './index.js';

const NOW = Date.parse('2024-03-01T10:00:00Z');

const scope = {
  member: { name: 'Ann', points: 0, tags: ['vip', 'mom'], nickname: '', joinedAt: '2024-02-01T00:00:00Z' },
  params: { brand: 'Kith' },
  offer: { price: 5900, currency: 'CNY' },
  now: NOW,
};

describe('renderTemplate', () => {
  it.each<[string, string]>([
    ['Welcome {{ member.name }} to {{ params.brand }}', 'Welcome Ann to Kith'],
    ['{{ member.name | upcase }}', 'ANN'],
    ['{% for t in member.tags %}{{ t }}{% unless forloop.last %}, {% endunless %}{% endfor %}', 'vip, mom'],
    ['{% assign n = member.tags | size %}{{ n }}', '2'],
    ['{% capture greeting %}Hi {{ member.name }}{% endcapture %}{{ greeting }}!', 'Hi Ann!'],
    ['{% if member.points %}has points{% else %}no points{% endif %}', 'no points'],
    ['{% if member.tags contains "vip" %}VIP{% endif %}', 'VIP'],
    ['{{ offer.price | money: offer.currency }}', '¥59.00'],
    ['{{ 500 | money: "USD" }}', '$5.00'],
    ['{{ 500 | money: "usd" }}', '$5.00'],
    ['{{ 500 | money: "JPY" }}', '¥500'],
    ['{{ 1234567 | money: "EUR", "de-DE" }}', '12.345,67\u00a0€'],
    ['{{ 5900 | money: "CNY", "zh-CN" }}', '¥59.00'],
    ['{{ 5001 | money: "XYZ" }}', '5001 XYZ'],
    ['{{ "abc" | money: "USD" }}', ''],
    ['{{ member.missing | money: "USD" }}', ''],
    ['{{ now | date: "%Y-%m-%d %H:%M" }}', '2024-03-01 10:00'],
    ['{{ now | date: "%Y-%m-%d %H:%M", "Asia/Shanghai" }}', '2024-03-01 18:00'],
    ['{{ "now" | date: "%H:%M", "America/New_York" }}', '05:00'],
    ['{{ member.joinedAt | date: "%b %d" }}', 'Feb 01'],
    ['{{ "2024-02-01T08:00:00" | date: "%H:%M" }}', '08:00'],
    ['{{ now | date: "%H:%M", "No/Such_Zone" }}', '10:00'],
    ['{{ now | date: "%H:%M", 480 }}', '18:00'],
    ['{{ "not a date" | date: "%H:%M" }}', 'not a date'],
    ['{{ member.points | default: 5 }}', '0'],
    ['{{ member.nickname | default: member.name }}', 'Ann'],
    ['{{ member.missing | default: "friend" }}', 'friend'],
    ['{{ false | default: "x" }}', 'x'],
    ['{{ false | default: "x", allow_false: true }}', 'false'],
    ['{{ member.empty_list | default: "none" }}', 'none'],
  ])('%s → %s', (source, expected) => {
    expect(renderTemplate(source, scope)).toBe(expected);
  });

  it('renders missing variables as empty text', () => {
    expect(renderTemplate('[{{ nobody }}|{{ member.missing.deeper }}|{{ member.tags[9] }}]', scope)).toBe(
      '[||]',
    );
  });

  it('uses the scope timezone for dates when none is given', () => {
    expect(renderTemplate('{{ now | date: "%H:%M" }}', { now: NOW, timezone: 'Asia/Tokyo' })).toBe('19:00');
  });

  it('does not modify the scope', () => {
    const s = { member: { name: 'Ann' }, counter: 1 };
    expect(renderTemplate('{% increment counter %}{% assign member = 1 %}{{ member }}', s)).toBe('11');
    expect(s).toEqual({ member: { name: 'Ann' }, counter: 1 });
  });

  it('caches parsed templates and throws a located error for bad source', () => {
    expect(() => renderTemplate('{{ member.name | nope }}', scope)).toThrow(TemplateSyntaxError);
    try {
      renderTemplate('Hi {{ member.name | nope }}', scope);
    } catch (e) {
      expect((e as TemplateSyntaxError).templateError).toMatchObject({ offset: 3, length: 24 });
    }
  });

  it('bounds output and work', () => {
    const long = renderTemplate('{% for i in (1..300) %}{{ s }}{% endfor %}', { s: 'x'.repeat(1000) });
    expect(long.length).toBe(100_000);
    expect(() =>
      renderTemplate(
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
        {},
      ),
    ).toThrow(TemplateRenderError);
  });
});

describe('parseTemplate', () => {
  it('accepts good templates', () => {
    expect(parseTemplate('Welcome {{ member.name }} to {{ params.brand }}')).toEqual({ ok: true });
    expect(parseTemplate('')).toEqual({ ok: true });
  });

  it.each<[string, RegExp, number, number]>([
    ['Hi {{ member.name | monye: "CNY" }}', /unknown filter 'monye'; did you mean 'money'\?/, 3, 32],
    ['{{ a | frobnicate }}', /unknown filter 'frobnicate'; see the template filter list/, 0, 20],
    ['Hi {{ member.name ', /'\{\{' is not closed: add '\}\}'/, 3, 15],
    ['x {% if member.vip %} VIP', /'\{% if %\}' is not closed: add '\{% endif %\}'/, 2, 19],
    ['{% endif %}', /'endif' has no matching '\{% if %\}'/, 0, 11],
    ['{% bogus %}', /unknown tag 'bogus'/, 0, 11],
    ['a {% include "header" %}', /the 'include' tag is not available/, 2, 22],
    ['{% render "x" %}', /the 'render' tag is not available/, 0, 16],
    ['{% layout "x" %}', /the 'layout' tag is not available/, 0, 16],
    ['{% assign __proto__ = 1 %}', /'__proto__' cannot be used as a variable name/, 0, 26],
    ['{% capture constructor %}x{% endcapture %}', /'constructor' cannot be used/, 0, 25],
    ['{% for prototype in a %}{% endfor %}', /'prototype' cannot be used/, 0, 24],
    ['{%- liquid\n  echo a | nope\n%}', /unknown filter 'nope'/, 13, 13],
  ])('%s', (source, message, offset, length) => {
    const r = parseTemplate(source);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toMatch(message);
    expect(r.error.message).not.toMatch(/line:\d+, col:\d+/);
    expect({ offset: r.error.offset, length: r.error.length }).toEqual({ offset, length });
  });

  it('limits the template size', () => {
    const r = parseTemplate('x'.repeat(100_001));
    expect(r).toMatchObject({ ok: false, error: { offset: 100_000, length: 1 } });
  });

  it('never throws on non-string input', () => {
    expect(parseTemplate(undefined as unknown as string).ok).toBe(false);
  });
});

describe('templateReferences', () => {
  const refs = (source: string) =>
    templateReferences(source).map((r) => [r.path.join('/'), source.slice(r.offset, r.offset + r.length)]);

  it('reports scope variables with their spans', () => {
    expect(refs('Welcome {{ member.name }} to {{ params.brand }}')).toEqual([
      ['member/name', 'member.name'],
      ['params/brand', 'params.brand'],
    ]);
  });

  it('does not report variables bound by assign, capture, for', () => {
    const source =
      '{% assign q = member.points %}{{ q }}{% capture c %}{{ offer.title }}{% endcapture %}{{ c }}' +
      '{% for t in member.tags %}{{ t }}{{ forloop.index }}{% endfor %}';
    expect(refs(source)).toEqual([
      ['member/points', 'member.points'],
      ['offer/title', 'offer.title'],
      ['member/tags', 'member.tags'],
    ]);
  });

  it('handles filters arguments, tags, quoted and numeric indexes, nested lines', () => {
    const source =
      "{{ member.nickname | default: member.name }}\n{% if member['due date'].x > 3 %}{{ a[0].b }}{{ c[d.e] }}{% endif %}\n{%- liquid\n  echo other.v\n-%}";
    expect(refs(source)).toEqual([
      ['member/nickname', 'member.nickname'],
      ['member/name', 'member.name'],
      ['member/due date/x', "member['due date'].x"],
      ['a', 'a'],
      ['c', 'c'],
      ['d/e', 'd.e'],
      ['other/v', 'other.v'],
    ]);
  });

  it('handles CRLF line endings and non-ASCII text', () => {
    const source = '你好 {{ member.name }}\r\n再见 {{ params.brand }}';
    expect(refs(source)).toEqual([
      ['member/name', 'member.name'],
      ['params/brand', 'params.brand'],
    ]);
  });

  it('is empty for unparsable templates', () => {
    expect(templateReferences('{{ member.name | nope }}')).toEqual([]);
  });
});

describe('safety', () => {
  it('does not reach prototypes', () => {
    const s = { member: { name: 'Ann' }, list: [1] };
    expect(
      renderTemplate(
        '[{{ member.constructor }}|{{ member.__proto__ }}|{{ member.toString }}|{{ constructor }}|{{ member.constructor.name }}|{{ list.constructor }}|{{ member["__proto__"] }}]',
        s,
      ),
    ).toBe('[||||||]');
  });

  it('cannot pollute prototypes', () => {
    const attempts = [
      '{% assign x = member %}{% assign x.polluted = 1 %}',
      '{% increment polluted %}',
      '{{ member.__proto__.polluted }}',
    ];
    for (const source of attempts) {
      try {
        renderTemplate(source, { member: {} });
      } catch {
        // refusing is fine too
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('lists the available filters, without non-deterministic ones', () => {
    expect(TEMPLATE_FILTERS).toEqual(
      expect.arrayContaining(['money', 'date', 'default', 'upcase', 'truncate']),
    );
    expect(TEMPLATE_FILTERS).not.toContain('sample');
  });

  it('knows real currency minor units', () => {
    expect([
      currencyDigits('JPY'),
      currencyDigits('CNY'),
      currencyDigits('KWD'),
      currencyDigits('ZZZ'),
    ]).toEqual([0, 2, 3, null]);
  });
});
