import type { Static, TSchema } from '@sinclair/typebox';
import type { AppContext } from '../contract.js';
import { requestHeader } from './headers.js';
import { ProblemError } from './problem.js';
import { fieldsOf, validatorFor } from './validator.js';

/** The default largest JSON body a route accepts; the app-wide limit (413) is enforced before this. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Reads and validates a JSON body. Not JSON → 415 (wrong type) or 400 (unparsable); not matching
 * the schema → 422 with one entry per problem, each at a JSON pointer into the body.
 */
export async function readJson<T = never, S extends TSchema = TSchema>(
  c: AppContext,
  schema: S,
): Promise<[T] extends [never] ? Static<S> : T> {
  const type = requestHeader(c, 'content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Send the body as JSON with `Content-Type: application/json`.',
      [{ path: '/header/content-type', message: 'must be application/json' }],
    );
  }
  const text = await c.req.text();
  if (text.length > DEFAULT_BODY_LIMIT) {
    throw new ProblemError(
      413,
      'body-too-large',
      `The request body is larger than ${DEFAULT_BODY_LIMIT} bytes.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof SyntaxError ? error.message : 'not JSON';
    throw new ProblemError(400, 'invalid-json', `The request body is not valid JSON: ${why}.`, [
      { path: '/', message: 'is not valid JSON' },
    ]);
  }
  const validate = validatorFor(schema, 'body');
  if (!validate(value)) {
    throw new ProblemError(
      422,
      'invalid-body',
      'The request body does not match what this route accepts.',
      fieldsOf(validate.errors, ''),
    );
  }
  return value as [T] extends [never] ? Static<S> : T;
}

/**
 * Reads the query string against a schema (values coerced from text: `?limit=20` is a number).
 * A repeated name keeps its last value. Problems → 400 at `/query/<name>`.
 */
export function readQuery<T = never, S extends TSchema = TSchema>(
  c: AppContext,
  schema: S,
): [T] extends [never] ? Static<S> : T {
  const value: Record<string, string> = { ...c.req.query() };
  const validate = validatorFor(schema, 'query');
  if (!validate(value)) {
    throw new ProblemError(
      400,
      'invalid-query',
      'The query string does not match what this route accepts.',
      fieldsOf(validate.errors, '/query'),
    );
  }
  return value as [T] extends [never] ? Static<S> : T;
}
