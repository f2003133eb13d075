import { Type } from '@sinclair/typebox';

export const ID_RE = '^[a-z0-9][a-z0-9._-]{0,63}$';
export const Id = (description: string) => Type.String({ pattern: ID_RE, description });
export const Iso = (description: string) => Type.String({ format: 'date-time', description });

export const iso = (ms: number) => new Date(ms).toISOString();

export const Tenant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  agency: Type.String(),
  createdAt: Iso('When it was created.'),
});

export const Role = Type.Union([
  Type.Literal('agency-admin'),
  Type.Literal('tenant-editor'),
  Type.Literal('tenant-viewer'),
]);

export const Diagnostic = Type.Object(
  {
    severity: Type.String(),
    code: Type.String(),
    message: Type.String(),
    hint: Type.String(),
    file: Type.String(),
    path: Type.String(),
    line: Type.Optional(Type.Integer()),
    column: Type.Optional(Type.Integer()),
  },
  { additionalProperties: true, description: 'A positioned problem (see the playbook language reference).' },
);

/** Playbook sources are text; the loader has its own limits, this bounds the request. */
export const Source = Type.String({ maxLength: 512 * 1024, description: 'The playbook YAML.' });
