import type { Diagnostic } from '@kith/playbook/browser';

/** What `extends` and `use:` may refer to; sent once, and again only when it changes. */
export interface ValidateConfig {
  kind: 'config';
  /** Template specs (`@kith/templates/<id>`) → their YAML, so `extends` resolves in the browser. */
  templates?: Record<string, string>;
  plugins?: {
    name: string;
    version: string;
    kind: string;
    configSchema: object;
    actions: Record<string, { inputSchema: object }>;
  }[];
}

/** Validate this text (the newest request wins). */
export interface ValidateRequest {
  kind: 'validate';
  id: number;
  text: string;
  file: string;
}

export type WorkerMessage = ValidateConfig | ValidateRequest;

export interface ValidateResponse {
  id: number;
  diagnostics: Diagnostic[];
  /** Time spent validating in the worker, in ms. */
  ms: number;
  /**
   * The resolved playbook (template merged) of a playbook that extends a template and has no
   * errors, for the board and forms to show what the template brings; undefined otherwise.
   */
  resolved: unknown;
}
