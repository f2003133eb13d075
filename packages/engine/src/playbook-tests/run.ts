import { fileDiagnostic } from '@kith/playbook/browser';
import { loadTest } from './load.js';
import { Session } from './session.js';
import type { PlaybookTestResult, RunTestOptions } from './types.js';
import { SETUP } from './words.js';

/**
 * Runs one playbook test (`*.test.yaml` text): members join at `start`, each timeline moment's
 * event, payment or refund goes in at its virtual time, then its expectations are checked. Never
 * throws for a bad test or a failing playbook: problems come back as positioned diagnostics.
 *
 * @example
 * const result = await runPlaybookTest(text, 'playbooks/mother-baby/tests/attract.test.yaml', { host: nodeHost });
 * if (result.status !== 'passed') console.log(result.failures.map((f) => `${f.line}:${f.column} ${f.message}`));
 */
export async function runPlaybookTest(
  text: string,
  file: string,
  options: RunTestOptions,
): Promise<PlaybookTestResult> {
  const started = performance.now();
  const { loaded, diagnostics, sources } = loadTest(text, file, options.host);
  if (loaded === undefined) {
    const name = nameOf(text, file);
    return {
      file,
      name,
      status: 'invalid',
      durationMs: since(started),
      checks: 0,
      failures: [],
      diagnostics,
      sources,
    };
  }
  const session = new Session(loaded, file, options.mechanics);
  await session.run();
  return {
    file,
    name: loaded.test.name,
    status: session.failures.length === 0 ? 'passed' : 'failed',
    durationMs: since(started),
    checks: session.checks,
    failures: session.failures,
    diagnostics: [],
    sources,
  };
}

/** Reads the file through the host, then runs it; an unreadable file is an `invalid` result. */
export async function runPlaybookTestFile(
  file: string,
  options: RunTestOptions,
): Promise<PlaybookTestResult> {
  let text: string;
  try {
    text = options.host.readFile(file);
  } catch (e) {
    return unreadable(file, e instanceof Error ? e.message : String(e));
  }
  return runPlaybookTest(text, file, options);
}

function unreadable(file: string, reason: string): PlaybookTestResult {
  const words = SETUP.unreadable(file, reason);
  const d = fileDiagnostic(file, 'file-not-found', { ...words.en, zh: words.zh });
  return {
    file,
    name: file,
    status: 'invalid',
    durationMs: 0,
    checks: 0,
    failures: [],
    diagnostics: [d],
    sources: new Map(),
  };
}

function since(t: number): number {
  return Math.round((performance.now() - t) * 10) / 10;
}

/** The test's name for the report even when the file does not validate. */
function nameOf(text: string, file: string): string {
  const m = /^name:\s*(?:"([^"]+)"|'([^']+)'|(.+?))\s*$/m.exec(text);
  return m?.[1] ?? m?.[2] ?? m?.[3] ?? file.replace(/^.*[\\/]/, '');
}
