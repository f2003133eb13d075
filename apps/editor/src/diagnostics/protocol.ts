import type { Diagnostic } from '@kith/playbook/browser';

/** What the validation worker is asked: the text, and what `extends` and `use:` may refer to. */
export interface ValidateRequest {
  id: number;
  text: string;
  file: string;
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

export interface ValidateResponse {
  id: number;
  diagnostics: Diagnostic[];
  /** Time spent validating in the worker, in ms. */
  ms: number;
  /** Channel/payment/offer… names the resolved playbook defines (for forms and the palette). */
  resolved: unknown;
}
