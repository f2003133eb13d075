import { type CompiledExpression, compileExpression } from '@kith/playbook/browser';
import { durationMs } from '../time/duration.js';
import { compileTemplate } from './template.js';
import type { Render } from './types.js';

/** A playbook the engine cannot run (the validator should have said so first). */
export class PlaybookCompileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`playbook does not compile:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlaybookCompileError';
  }
}

const NEVER: CompiledExpression = () => null;

/** Collects problems while compiling, so that all of them are reported at once. */
export class Problems {
  readonly list: string[] = [];

  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }

  expr(source: string | undefined, where: string): CompiledExpression | null {
    if (source === undefined) return null;
    try {
      return compileExpression(source);
    } catch (e) {
      this.add(where, e instanceof Error ? e.message : String(e));
      return NEVER;
    }
  }

  template(source: string | undefined, where: string): Render | null {
    if (source === undefined) return null;
    const t = compileTemplate(source);
    if (typeof t === 'function') return t;
    this.add(where, t.error);
    return () => '';
  }

  int(value: unknown, where: string, fallback = 0): number {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    this.add(where, `expected an integer, got ${JSON.stringify(value)}`);
    return fallback;
  }

  duration(text: string, where: string): number {
    try {
      return durationMs(text);
    } catch (e) {
      this.add(where, e instanceof Error ? e.message : String(e));
      return 0;
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new PlaybookCompileError(this.list);
  }
}
