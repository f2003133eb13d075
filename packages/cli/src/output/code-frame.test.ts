import type { Diagnostic } from '@kith/playbook';
import { describe, expect, it } from 'vitest';
import { codeFrame, renderDiagnostic } from './code-frame.js';
import { createColors, stripAnsi } from './colors.js';

const SRC = [
  'kith: 1', // 1
  'id: welcome', // 2
  'channels:', // 3
  '  group: { use: telegram }', // 4
  'stages:', // 5
  '  attract:', // 6
  '    - journey: welcome', // 7
  '      steps:', // 8
  '        - id: hello', // 9
  '          send: { via: tg, text: hi }', // 10
  '        - id: settle', // 11
  '          wait: 1d', // 12
  '',
].join('\n');

/** A diagnostic over `text` on line `line` (first occurrence), end exclusive. */
function at(source: string, line: number, text: string, over: Partial<Diagnostic> = {}): Diagnostic {
  const l = source.split('\n')[line - 1]!;
  const column = l.indexOf(text) + 1;
  expect(column).toBeGreaterThan(0);
  return diag({ line, column, endLine: line, endColumn: column + text.length, ...over });
}

function diag(over: Partial<Diagnostic>): Diagnostic {
  return {
    severity: 'error',
    code: 'unknown-channel',
    message: 'channel "tg" is not defined',
    hint: 'define it under `channels:` or use one of: group',
    zh: { message: '未定义的渠道 "tg"', hint: '在 `channels:` 下定义它，或使用：group' },
    file: 'playbooks/welcome.yaml',
    path: '/stages/attract/0/steps/0/send/via',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    offset: 0,
    endOffset: 0,
    ...over,
  };
}

describe('renderDiagnostic', () => {
  it('renders header, location, 2 lines before, 1 after, underline and hint', () => {
    expect(renderDiagnostic(at(SRC, 10, 'tg'), SRC)).toBe(
      [
        'error[unknown-channel]: channel "tg" is not defined',
        '  --> playbooks/welcome.yaml:10:24',
        '   |',
        ' 8 |       steps:',
        ' 9 |         - id: hello',
        '10 |           send: { via: tg, text: hi }',
        '   |                        ^^',
        '11 |         - id: settle',
        '   |',
        '   = hint: define it under `channels:` or use one of: group',
      ].join('\n'),
    );
  });

  it('sizes the gutter to the widest line number and clips context at the start of the file', () => {
    expect(renderDiagnostic(at(SRC, 1, 'kith', { severity: 'warning', code: 'x', hint: '' }), SRC)).toBe(
      [
        'warning[x]: channel "tg" is not defined',
        ' --> playbooks/welcome.yaml:1:1',
        '  |',
        '1 | kith: 1',
        '  | ^^^^',
        '2 | id: welcome',
      ].join('\n'),
    );
  });

  it('uses Chinese message, hint and labels for zh-CN', () => {
    const out = renderDiagnostic(at(SRC, 10, 'tg'), SRC, { lang: 'zh-CN' });
    expect(out.split('\n')[0]).toBe('错误[unknown-channel]: 未定义的渠道 "tg"');
    expect(out.split('\n').at(-1)).toBe('   = 建议：在 `channels:` 下定义它，或使用：group');
  });

  it('prints header, location and hint when the source is unknown', () => {
    expect(renderDiagnostic(at(SRC, 10, 'tg'), undefined)).toBe(
      [
        'error[unknown-channel]: channel "tg" is not defined',
        '  --> playbooks/welcome.yaml:10:24',
        '   = hint: define it under `channels:` or use one of: group',
      ].join('\n'),
    );
  });

  it('maps the shown path with displayPath', () => {
    const out = renderDiagnostic(at(SRC, 10, 'tg'), SRC, { displayPath: (f) => `./${f}` });
    expect(out.split('\n')[1]).toBe('  --> ./playbooks/welcome.yaml:10:24');
  });

  it('with colours, strips back to exactly the plain text', () => {
    const d = at(SRC, 10, 'tg');
    const colored = renderDiagnostic(d, SRC, { colors: createColors(true) });
    expect(colored).toContain('\u001b[');
    expect(stripAnsi(colored)).toBe(renderDiagnostic(d, SRC));
  });
});

describe('codeFrame', () => {
  it('underlines one caret for an empty span', () => {
    expect(codeFrame('a: 1\nb: 2\n', { line: 2, column: 4, endLine: 2, endColumn: 4 })).toBe(
      ['1 | a: 1', '2 | b: 2', '  |    ^', '3 |'].join('\n'),
    );
  });

  it('puts a caret just past the end of the line for a span at end of line', () => {
    expect(codeFrame('key:\n', { line: 1, column: 5, endLine: 1, endColumn: 5 })).toBe(
      ['1 | key:', '  |     ^', '2 |'].join('\n'),
    );
  });

  it('expands tabs to stops of 4 and keeps the underline aligned', () => {
    const src = 'a:\n\tb: x\tbad\n';
    expect(codeFrame(src, { line: 2, column: 7, endLine: 2, endColumn: 10 })).toBe(
      ['1 | a:', '2 |     b: x    bad', '  |             ^^^', '3 |'].join('\n'),
    );
  });

  it('counts wide (CJK) characters as two columns', () => {
    const src = 'text: "欢迎新朋友" {{ bad }}\n';
    const col = src.indexOf('bad') + 1;
    expect(codeFrame(src, { line: 1, column: col, endLine: 1, endColumn: col + 3 })).toBe(
      ['1 | text: "欢迎新朋友" {{ bad }}', '  |                       ^^^', '2 |'].join('\n'),
    );
  });

  it('counts astral characters (emoji) by UTF-16 columns but displays them two wide', () => {
    const src = 'text: "🎉" x\n';
    const col = src.lastIndexOf('x') + 1; // 🎉 is two UTF-16 units
    expect(codeFrame(src, { line: 1, column: col, endLine: 1, endColumn: col + 1 })).toBe(
      ['1 | text: "🎉" x', '  |            ^', '2 |'].join('\n'),
    );
  });

  it('underlines a multi-line span to the end of its first line and marks its last line', () => {
    const src = ['a: 1', 'b: 2', 'text: "one', '  two', '  three"', 'c: 3', 'd: 4'].join('\n');
    expect(codeFrame(src, { line: 3, column: 7, endLine: 5, endColumn: 9 })).toBe(
      [
        '1 | a: 1',
        '2 | b: 2',
        '3 | text: "one',
        '  |       ^^^^',
        '4 |   two',
        '5 |   three"',
        '  |   ^^^^^^',
        '6 | c: 3',
      ].join('\n'),
    );
  });

  it('elides the middle of a long multi-line span', () => {
    const src = ['m:', ...Array.from({ length: 10 }, (_, i) => `  k${i}: ${i}`), 'z: 1'].join('\n');
    expect(codeFrame(src, { line: 2, column: 3, endLine: 11, endColumn: 8 })).toBe(
      [
        ' 1 | m:',
        ' 2 |   k0: 0',
        '   |   ^^^^^',
        ' 3 |   k1: 1',
        '...',
        '10 |   k8: 8',
        '11 |   k9: 9',
        '   |   ^^^^^',
        '12 | z: 1',
      ].join('\n'),
    );
  });

  it('does not mark a line the span reaches only at its start (YAML ranges end at the next line)', () => {
    const src = ['a:', '  b: 1', '  c: 2', 'd: 3'].join('\n');
    expect(codeFrame(src, { line: 2, column: 3, endLine: 4, endColumn: 1 })).toBe(
      ['1 | a:', '2 |   b: 1', '  |   ^^^^', '3 |   c: 2', '  |   ^^^^', '4 | d: 3'].join('\n'),
    );
  });

  it('windows a very long line around the span, marking cuts with …', () => {
    const line = `text: "${'a'.repeat(300)}BAD${'b'.repeat(300)}"`;
    const col = line.indexOf('BAD') + 1;
    const out = codeFrame(`${line}\nnext: 1\n`, { line: 1, column: col, endLine: 1, endColumn: col + 3 });
    const [first, under, next] = out.split('\n');
    expect(first!.startsWith('1 | …a')).toBe(true);
    expect(first!.endsWith('b…')).toBe(true);
    expect(first!.length).toBeLessThan(110);
    expect(under!.indexOf('^^^')).toBe(first!.indexOf('BAD'));
    expect(next).toBe('2 | next: 1');
  });

  it('windows a span near the end of a long line flush with the end', () => {
    const line = `${'x'.repeat(250)}END`;
    const out = codeFrame(line, { line: 1, column: 251, endLine: 1, endColumn: 254 });
    const [first, under] = out.split('\n');
    expect(first!.endsWith('xEND')).toBe(true);
    expect(under!.indexOf('^^^')).toBe(first!.indexOf('END'));
  });

  it('clamps a span past the end of the file to the last line', () => {
    expect(codeFrame('a: 1', { line: 9, column: 1, endLine: 9, endColumn: 1 })).toBe(
      ['1 | a: 1', '  |     ^'].join('\n'),
    );
  });

  it('handles CRLF line endings and replaces control characters', () => {
    expect(codeFrame('a: 1\r\nb: \u0007x\r\n', { line: 2, column: 5, endLine: 2, endColumn: 6 })).toBe(
      ['1 | a: 1', '2 | b: \uFFFDx', '  |     ^', '3 |'].join('\n'),
    );
  });
});
