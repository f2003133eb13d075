/**
 * The expression AST. Every node carries `start`/`end`: 0-based UTF-16 offsets into the source
 * string (`end` exclusive), so the editor can underline exactly the part a message is about.
 */

/** A problem in an expression's source, located by offset and length within that source. */
export interface ExprError {
  message: string;
  offset: number;
  length: number;
}

interface NodeBase {
  start: number;
  end: number;
}

export interface LiteralNode extends NodeBase {
  type: 'literal';
  value: string | number | boolean | null;
}

export interface ListNode extends NodeBase {
  type: 'list';
  items: Expr[];
}

export interface IdentNode extends NodeBase {
  type: 'ident';
  name: string;
}

/** `object.property`; `propertyStart` is the offset of the property name. */
export interface MemberNode extends NodeBase {
  type: 'member';
  object: Expr;
  property: string;
  propertyStart: number;
}

/** `object[index]`. */
export interface IndexNode extends NodeBase {
  type: 'index';
  object: Expr;
  index: Expr;
}

export type UnaryOp = '!' | '-';

export interface UnaryNode extends NodeBase {
  type: 'unary';
  op: UnaryOp;
  operand: Expr;
}

export type BinaryOp =
  | '||'
  | '&&'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%';

export interface BinaryNode extends NodeBase {
  type: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface ConditionalNode extends NodeBase {
  type: 'conditional';
  test: Expr;
  consequent: Expr;
  alternate: Expr;
}

/**
 * `name(args)` when `target` is null, or the method form `target.name(args)`, which means
 * `name(target, ...args)`.
 */
export interface CallNode extends NodeBase {
  type: 'call';
  name: string;
  nameStart: number;
  target: Expr | null;
  args: Expr[];
}

export type Expr =
  | LiteralNode
  | ListNode
  | IdentNode
  | MemberNode
  | IndexNode
  | UnaryNode
  | BinaryNode
  | ConditionalNode
  | CallNode;

/** Property and variable names refused everywhere: they lead to prototypes. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const LIMITS = {
  /** Longest accepted source, in UTF-16 code units. */
  maxSourceLength: 4000,
  /** Deepest accepted AST (and parser nesting). */
  maxDepth: 64,
  /** Longest string an expression may produce; longer results are truncated. */
  maxStringLength: 100_000,
  /** Longest list an expression may produce by concatenation; longer results are truncated. */
  maxListLength: 100_000,
  /** Longest `matches` pattern. */
  maxPatternLength: 200,
} as const;

/** The variables an expression can read: root names such as `member`, `params`, `event`, `now`. */
export type Scope = Record<string, unknown>;

/** A compiled expression: cheap to call, never throws. */
export type CompiledExpression = (scope: Scope) => unknown;
