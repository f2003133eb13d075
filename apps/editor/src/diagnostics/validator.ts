/**
 * The main thread's side of validation: sends the newest text to the worker (debounced) and hands
 * back diagnostics for exactly that text; answers for older text are ignored.
 */
import type { Diagnostic } from '@kith/playbook/browser';
import type { ValidateRequest, ValidateResponse } from './protocol.js';

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
  templates: Record<string, string> = {};
  plugins: ValidateRequest['plugins'] = [];

  constructor(
    private readonly onResult: (result: ValidationResult) => void,
    private readonly debounceMs = 15,
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

  /** Validates `text` after a short pause in typing (`immediate` skips the pause). */
  validate(text: string, file: string, immediate = false): void {
    clearTimeout(this.timer);
    const send = (): void => {
      const id = ++this.seq;
      this.texts.set(id, text);
      const req: ValidateRequest = { id, text, file, templates: this.templates, plugins: this.plugins };
      this.ensure().postMessage(req);
    };
    if (immediate) send();
    else this.timer = setTimeout(send, this.debounceMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.worker?.terminate();
    this.worker = undefined;
  }
}
