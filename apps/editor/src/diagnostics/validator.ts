/**
 * The main thread's side of validation: sends the newest text to the worker (debounced) and hands
 * back diagnostics for exactly that text; answers for older text are ignored.
 */
import type { Diagnostic } from '@kith/playbook/browser';
import type { ValidateConfig, ValidateRequest, ValidateResponse } from './protocol.js';

export type { Diagnostic } from '@kith/playbook/browser';

export interface ValidationResult {
  text: string;
  diagnostics: Diagnostic[];
  ms: number;
  resolved: unknown;
}

export class Validator {
  private worker: Worker | undefined;
  private seq = 0;
  private texts = new Map<number, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private config: ValidateConfig = { kind: 'config', templates: {}, plugins: [] };
  private configSent = false;

  /**
   * `debounceMs`: a pause in typing to wait for before validating. None by default: the worker
   * re-reads only what an edit changed (a few ms) and itself skips texts a newer one replaced
   * while it was busy, so waiting would only delay the diagnostics.
   */
  constructor(
    private readonly onResult: (result: ValidationResult) => void,
    private readonly debounceMs = 0,
  ) {}

  private ensure(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./validate.worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e: MessageEvent<ValidateResponse>) => {
        const text = this.texts.get(e.data.id);
        if (text === undefined || e.data.id !== this.seq) return;
        this.texts.clear();
        this.onResult({ text, diagnostics: e.data.diagnostics, ms: e.data.ms, resolved: e.data.resolved });
      };
    }
    return this.worker;
  }

  /** Template sources by spec (`@kith/templates/<id>`), for `extends`. */
  get templates(): Record<string, string> {
    return this.config.templates ?? {};
  }

  /**
   * What validation may refer to. Sent to the worker once (and again when it changes), not with
   * every keystroke: the template sources alone are hundreds of kilobytes to copy.
   */
  configure(templates: Record<string, string>, plugins: ValidateConfig['plugins']): void {
    this.config = { kind: 'config', templates, plugins };
    this.configSent = false;
  }

  /** Validates `text`, after the pause in typing if one is set (`immediate` skips it). */
  validate(text: string, file: string, immediate = false): void {
    clearTimeout(this.timer);
    const send = (): void => {
      const id = ++this.seq;
      this.texts.set(id, text);
      const worker = this.ensure();
      if (!this.configSent) {
        worker.postMessage(this.config);
        this.configSent = true;
      }
      const req: ValidateRequest = { kind: 'validate', id, text, file };
      worker.postMessage(req);
    };
    if (immediate || this.debounceMs <= 0) send();
    else this.timer = setTimeout(send, this.debounceMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.worker?.terminate();
    this.worker = undefined;
  }
}
