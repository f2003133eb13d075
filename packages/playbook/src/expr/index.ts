/**
 * The Kith expression language: a small, safe, CEL-flavoured language for playbook conditions
 * (`member.referrals >= 20 && member.tier == 'member'`). No eval, no prototype access; lenient,
 * null-propagating semantics; compiled to closures for speed.
 */
export type {
  BinaryNode,
  BinaryOp,
  CallNode,
  CompiledExpression,
  ConditionalNode,
  Expr,
  ExprError,
  IdentNode,
  IndexNode,
  ListNode,
  LiteralNode,
  MemberNode,
  Scope,
  UnaryNode,
  UnaryOp,
} from './ast.js';
export { LIMITS as EXPRESSION_LIMITS } from './ast.js';
export { compileAst, compileExpression, evaluateExpression } from './compile.js';
export { ExpressionSyntaxError } from './errors.js';
export { FUNCTIONS } from './functions.js';
export { type ParseResult, parseExpression } from './parser.js';
export { printExpression } from './print.js';
export { type ExprReference, expressionReferences } from './references.js';
export { isTruthy } from './values.js';
