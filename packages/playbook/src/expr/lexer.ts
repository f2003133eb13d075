import { ParseFailure } from './errors.js';

/**
 * Tokens of the expression language. Operators and punctuation are `op` tokens whose `value` is
 * the operator text; `eof` ends every token list.
 */
export type TokenKind = 'number' | 'string' | 'ident' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Operator text, identifier name, or the decoded string value; for numbers, the source text. */
  value: string;
  start: number;
  end: number;
}

const SINGLE_OPS = new Set(['(', ')', '[', ']', ',', '.', '?', ':', '+', '-', '*', '/', '%']);

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
};

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}_\u200c\u200d]/u;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return ID_START.test(ch);
}

function isIdentPart(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || isDigit(c);
  return ID_CONTINUE.test(ch);
}

/** The code point starting at `i`, as a string of one or two UTF-16 units. */
function charAt(source: string, i: number): string {
  const cp = source.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

/** Splits `source` into tokens; throws `ParseFailure` on the first lexical error. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0x3000) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      while (i < n && isDigit(source.charCodeAt(i))) i++;
      if (source[i] === '.' && i + 1 < n && isDigit(source.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(source.charCodeAt(i))) i++;
      }
      if (i < n && isIdentPart(charAt(source, i))) {
        let j = i;
        while (j < n && isIdentPart(charAt(source, j))) j += charAt(source, j).length;
        throw new ParseFailure(
          `invalid number '${source.slice(start, j)}': a name cannot start with a digit`,
          start,
          j - start,
        );
      }
      tokens.push({ kind: 'number', value: source.slice(start, i), start, end: i });
      continue;
    }
    if (c === 39 || c === 34) {
      const quote = source[i]!;
      i++;
      let value = '';
      let closed = false;
      while (i < n) {
        const ch = source[i]!;
        if (ch === quote) {
          closed = true;
          i++;
          break;
        }
        if (ch === '\\') {
          if (i + 1 >= n) break;
          const e = source[i + 1]!;
          if (e === 'u') {
            const decoded = readUnicodeEscape(source, i);
            value += decoded.text;
            i = decoded.end;
            continue;
          }
          const mapped = ESCAPES[e];
          if (mapped === undefined) {
            throw new ParseFailure(
              `unknown escape '\\${e}' in string; write '\\\\' for a backslash`,
              i,
              Math.min(2, n - i),
            );
          }
          value += mapped;
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      if (!closed) {
        throw new ParseFailure(`unterminated string: add the closing ${quote}`, start, n - start);
      }
      tokens.push({ kind: 'string', value, start, end: i });
      continue;
    }
    const ch = charAt(source, i);
    if (isIdentStart(ch)) {
      i += ch.length;
      while (i < n) {
        const next = charAt(source, i);
        if (!isIdentPart(next)) break;
        i += next.length;
      }
      tokens.push({ kind: 'ident', value: source.slice(start, i), start, end: i });
      continue;
    }
    const two = source.slice(i, i + 2);
    const three = source.slice(i, i + 3);
    const op = (value: string): void => {
      i += value.length;
      tokens.push({ kind: 'op', value, start, end: i });
    };
    switch (ch) {
      case '=':
        if (three === '===') throw new ParseFailure("'===' is not an operator; use '=='", start, 3);
        if (two === '==') op('==');
        else if (two === '=>')
          throw new ParseFailure("'=>' is not an operator; did you mean '>='?", start, 2);
        else throw new ParseFailure("unexpected '='; did you mean '=='?", start, 1);
        continue;
      case '!':
        if (three === '!==') throw new ParseFailure("'!==' is not an operator; use '!='", start, 3);
        op(two === '!=' ? '!=' : '!');
        continue;
      case '<':
        if (two === '<>') throw new ParseFailure("'<>' is not an operator; use '!='", start, 2);
        if (two === '<<') throw new ParseFailure("'<<' is not an operator", start, 2);
        op(two === '<=' ? '<=' : '<');
        continue;
      case '>':
        if (two === '>>') throw new ParseFailure("'>>' is not an operator", start, 2);
        op(two === '>=' ? '>=' : '>');
        continue;
      case '&':
        if (two === '&&') op('&&');
        else throw new ParseFailure("'&' is not an operator; use '&&'", start, 1);
        continue;
      case '|':
        if (two === '||') op('||');
        else throw new ParseFailure("'|' is not an operator; use '||'", start, 1);
        continue;
      case '{':
        if (two === '{{') {
          throw new ParseFailure(
            "unexpected '{{': conditions are expressions, not templates; write member.name without {{ }}",
            start,
            2,
          );
        }
        throw new ParseFailure("unexpected '{': map literals are not supported", start, 1);
      case '*':
        if (two === '**') throw new ParseFailure("'**' is not an operator; multiply with '*'", start, 2);
        op('*');
        continue;
      default:
        if (SINGLE_OPS.has(ch)) {
          op(ch);
          continue;
        }
        throw new ParseFailure(`unexpected character '${ch}'`, start, ch.length);
    }
  }
  tokens.push({ kind: 'eof', value: '', start: n, end: n });
  return tokens;
}

function readUnicodeEscape(source: string, i: number): { text: string; end: number } {
  // source[i] is '\\', source[i + 1] is 'u'
  let hex: string;
  let end: number;
  if (source[i + 2] === '{') {
    const close = source.indexOf('}', i + 3);
    hex = close < 0 ? '' : source.slice(i + 3, close);
    end = close + 1;
  } else {
    hex = source.slice(i + 2, i + 6);
    end = i + 6;
    if (hex.length !== 4) hex = '';
  }
  const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
  if (!(cp <= 0x10ffff)) {
    throw new ParseFailure(
      "invalid unicode escape: use '\\uXXXX' or '\\u{X…}' with hexadecimal digits",
      i,
      Math.min(2, source.length - i),
    );
  }
  return { text: String.fromCodePoint(cp), end };
}
