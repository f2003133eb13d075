import type { Expr } from './ast.js';

/**
 * Source text for an AST, with only the parentheses precedence requires. Parsing the result
 * gives an AST that evaluates the same (offsets differ). Used by tests and by tools that rewrite
 * conditions.
 */
export function printExpression(e: Expr): string {
  return print(e).text;
}

const POSTFIX = 9;
const UNARY = 8;

const BINARY_POWER: Record<string, number> = {
  '||': 2,
  '&&': 3,
  '==': 4,
  '!=': 4,
  '<': 5,
  '<=': 5,
  '>': 5,
  '>=': 5,
  in: 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

interface Printed {
  text: string;
  power: number;
}

function wrap(p: Printed, needed: boolean): string {
  return needed ? `(${p.text})` : p.text;
}

export function quoteString(s: string): string {
  let out = "'";
  for (const ch of s) {
    switch (ch) {
      case "'":
        out += "\\'";
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const c = ch.codePointAt(0)!;
        out += c < 0x20 || c === 0x7f ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }
  return `${out}'`;
}

function printNumber(n: number): Printed {
  const text = String(Math.abs(n));
  if (!/^\d+(\.\d+)?$/.test(text)) {
    // exponent notation is not in the grammar: spell the number as a decimal
    const fixed = Math.abs(n)
      .toFixed(20)
      .replace(/\.?0+$/, '');
    return n < 0 || Object.is(n, -0) ? { text: `-${fixed}`, power: UNARY } : { text: fixed, power: 10 };
  }
  return n < 0 || Object.is(n, -0) ? { text: `-${text}`, power: UNARY } : { text, power: 10 };
}

function print(e: Expr): Printed {
  switch (e.type) {
    case 'literal':
      if (typeof e.value === 'number') return printNumber(e.value);
      if (typeof e.value === 'string') return { text: quoteString(e.value), power: 10 };
      return { text: String(e.value), power: 10 };
    case 'list':
      return { text: `[${e.items.map((i) => print(i).text).join(', ')}]`, power: 10 };
    case 'ident':
      return { text: e.name, power: 10 };
    case 'member': {
      const o = print(e.object);
      return { text: `${wrap(o, o.power < POSTFIX)}.${e.property}`, power: POSTFIX };
    }
    case 'index': {
      const o = print(e.object);
      return { text: `${wrap(o, o.power < POSTFIX)}[${print(e.index).text}]`, power: POSTFIX };
    }
    case 'unary': {
      const o = print(e.operand);
      const needs = o.power < UNARY || (o.power === UNARY && o.text.startsWith(e.op === '-' ? '-' : '!'));
      const body = wrap(o, needs || (o.power === UNARY && e.op === '-'));
      return { text: `${e.op}${body}`, power: UNARY };
    }
    case 'binary': {
      const power = BINARY_POWER[e.op]!;
      const l = print(e.left);
      const r = print(e.right);
      // comparisons do not chain, so an equal-power operand on either side needs parentheses
      const chainless = power === 4 || power === 5;
      const left = wrap(l, l.power < power || (chainless && l.power === power));
      const right = wrap(r, r.power <= power);
      return { text: `${left} ${e.op} ${right}`, power };
    }
    case 'conditional': {
      const t = print(e.test);
      const c = print(e.consequent);
      const a = print(e.alternate);
      return { text: `${wrap(t, t.power <= 1)} ? ${c.text} : ${a.text}`, power: 1 };
    }
    case 'call': {
      const args = e.args.map((a) => print(a).text).join(', ');
      if (e.target) {
        const t = print(e.target);
        return { text: `${wrap(t, t.power < POSTFIX)}.${e.name}(${args})`, power: POSTFIX };
      }
      return { text: `${e.name}(${args})`, power: 10 };
    }
  }
}
