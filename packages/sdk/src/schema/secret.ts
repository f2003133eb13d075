import { type StringOptions, type TSchema, type TString, Type } from '@sinclair/typebox';

/** Marks a config field as a credential: write-only in the editor, `${secrets.X}` in playbooks, redacted in logs. */
export const SECRET_ANNOTATION = 'x-kith-secret';

export interface FieldOptions extends StringOptions {
  /** Shown as the field's help in the editor and the catalogue; required on every config field. */
  description: string;
}

/**
 * A credential in a plugin's config (bot token, robot key, signing secret).
 * @example
 * const Config = Type.Object({ token: Secret({ description: 'Bot token from @BotFather' }) });
 */
export function Secret(options: FieldOptions): TString {
  return Type.String({ minLength: 1, ...options, [SECRET_ANNOTATION]: true, writeOnly: true });
}

/**
 * The provider's API base URL, so the same plugin talks to the real service and to a local fake.
 * @example
 * baseUrl: BaseUrl('https://api.telegram.org')
 */
export function BaseUrl(
  defaultUrl: string,
  description = 'API base URL; change it only to point at a proxy or a test fake.',
): TString {
  return Type.String({ format: 'uri', default: defaultUrl, description });
}

export function isSecretSchema(schema: unknown): boolean {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    (schema as Record<string, unknown>)[SECRET_ANNOTATION] === true
  );
}

/** Paths (property names from the root) of every secret field in an object schema, nested objects included. */
export function secretPaths(schema: TSchema, prefix: readonly string[] = []): string[][] {
  if (isSecretSchema(schema)) return [[...prefix]];
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (props === undefined) return [];
  return Object.entries(props).flatMap(([k, s]) => secretPaths(s, [...prefix, k]));
}
