/**
 * The validation worker and its page side, run in Node with the worker's global and `Worker`
 * stood in for: the diagnostics are those of `validatePlaybookText` for every text typed, the
 * resolved playbook travels back only when the page needs it (a template), and the page sends
 * each text at once and keeps only the newest answer.
 */
import { validatePlaybookText } from '@kith/playbook/browser';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ValidateConfig, ValidateResponse, WorkerMessage } from '../src/diagnostics/protocol.js';
import { type ValidationResult, Validator } from '../src/diagnostics/validator.js';
import { PLAYBOOK } from './fixtures.js';

/** The fixture without its offer, which has no payment to be bought with (an error). */
const VALID = PLAYBOOK.replace(/^offers:\n {2}box: .*\n/m, '');

/** The worker's `self`: messages in through `onmessage`, answers out through `postMessage`. */
const scope = {
  onmessage: undefined as ((e: { data: WorkerMessage }) => void) | undefined,
  answers: [] as ValidateResponse[],
  postMessage(message: ValidateResponse) {
    this.answers.push(message);
  },
};

beforeAll(async () => {
  vi.stubGlobal('self', scope);
  await import('../src/diagnostics/validate.worker.js');
});

/** Send messages as the page would, then let the worker's timer run; its answers. */
async function send(...messages: WorkerMessage[]): Promise<ValidateResponse[]> {
  scope.answers = [];
  for (const data of messages) scope.onmessage!({ data });
  await new Promise((r) => setTimeout(r, 5));
  return scope.answers;
}

let id = 0;
const validate = (text: string, file = 'pilot.yaml'): WorkerMessage => ({
  kind: 'validate',
  id: ++id,
  text,
  file,
});

describe('validation worker', () => {
  it('answers every edit with the diagnostics of the whole text, and no resolved playbook', async () => {
    await send({ kind: 'config' });
    let text = VALID;
    const edits: [string, string][] = [
      ['via: group', 'via: grop'],
      ['wait: 1d', 'wait: 1 day'],
      ['via: grop', 'via: group'],
      ['wait: 1 day', 'wait: 1d'],
      ['id: settle', 'id: [settle'],
      ['id: [settle', 'id: settle'],
    ];
    for (const [from, to] of [['', ''] as [string, string], ...edits]) {
      text = text.replace(from, to);
      const [answer] = await send(validate(text));
      expect(answer!.diagnostics).toEqual(validatePlaybookText(text, 'pilot.yaml').diagnostics);
      expect(answer!.resolved).toBeUndefined();
    }
  });

  it('validates only the newest of texts sent while it was busy', async () => {
    const answers = await send(validate(`${VALID}# a\n`), validate(`${VALID}# b\n`));
    expect(answers.map((a) => a.id)).toEqual([id]);
  });

  it('sends the resolved playbook back for a playbook that extends a template', async () => {
    const template = VALID;
    const client = "extends: '@kith/templates/pilot'\nkith: 1\nid: client\nname: Client\n";
    const config: ValidateConfig = { kind: 'config', templates: { '@kith/templates/pilot': template } };
    const [answer] = await send(config, validate(client, 'client.yaml'));
    const want = validatePlaybookText(client, 'client.yaml', {
      host: {
        resolveTemplate: (_, spec) => spec,
        readFile: () => template,
      },
    });
    expect(answer!.diagnostics).toEqual(want.diagnostics);
    expect(answer!.resolved).toEqual(want.playbook);
    expect(answer!.resolved).toMatchObject({ id: 'client', stages: { attract: {} } });
  });

  it('forgets templates it was configured without', async () => {
    const client = "extends: '@kith/templates/pilot'\nkith: 1\nid: client\nname: Client\n";
    const [answer] = await send({ kind: 'config' }, validate(client, 'client.yaml'));
    expect(answer!.diagnostics.map((d) => d.code)).toContain('extends-not-found');
    expect(answer!.resolved).toBeUndefined();
  });
});

describe('Validator (the page side)', () => {
  class FakeWorker {
    static last: FakeWorker | undefined;
    posted: WorkerMessage[] = [];
    onmessage: ((e: { data: ValidateResponse }) => void) | undefined;
    constructor() {
      FakeWorker.last = this;
    }
    postMessage(m: WorkerMessage) {
      this.posted.push(m);
    }
    terminate() {}
  }

  afterEach(() => {
    // (Only `Worker`: the worker above still answers through the stubbed `self`.)
    Reflect.deleteProperty(globalThis, 'Worker');
    FakeWorker.last = undefined;
    vi.useRealTimers();
  });

  it('sends the config once, then each text at once, and keeps only the newest answer', () => {
    Object.assign(globalThis, { Worker: FakeWorker });
    const results: ValidationResult[] = [];
    const v = new Validator((r) => results.push(r));
    v.configure({}, []);
    v.validate('a: 1\n', 'x.yaml');
    v.validate('a: 12\n', 'x.yaml');
    const worker = FakeWorker.last!;
    expect(worker.posted.map((m) => m.kind)).toEqual(['config', 'validate', 'validate']);
    const [, first, second] = worker.posted as [WorkerMessage, { id: number }, { id: number }];
    worker.onmessage!({ data: { id: first.id, diagnostics: [], ms: 1, resolved: undefined } });
    expect(results).toEqual([]);
    worker.onmessage!({ data: { id: second.id, diagnostics: [], ms: 1, resolved: undefined } });
    expect(results.map((r) => r.text)).toEqual(['a: 12\n']);
    v.dispose();
  });

  it('waits for a pause in typing when given one', () => {
    vi.useFakeTimers();
    Object.assign(globalThis, { Worker: FakeWorker });
    const v = new Validator(() => {}, 50);
    v.validate('a: 1\n', 'x.yaml');
    v.validate('a: 12\n', 'x.yaml');
    expect(FakeWorker.last?.posted ?? []).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(
      FakeWorker.last!.posted.filter((m) => m.kind === 'validate').map((m) => (m as { text: string }).text),
    ).toEqual(['a: 12\n']);
    v.dispose();
  });
});
