import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic, ResolvedPlaybook, SimulationProfile } from '@kith/playbook';
import { UsageError } from '../command.js';
import { type Lang, messages } from '../i18n.js';

/** What `kith simulate` runs on, or the problems that stop it (each with its source, for code frames). */
export type Inputs =
  | {
      ok: true;
      playbookFile: string;
      playbook: ResolvedPlaybook;
      params: Record<string, unknown>;
      /** The profile file used, if any. */
      profileFile: string | null;
      profile: SimulationProfile | undefined;
    }
  | { ok: false; diagnostics: Diagnostic[]; sources: Map<string, string> };

async function kind(path: string): Promise<'file' | 'dir' | null> {
  const st = await stat(path).catch(() => undefined);
  return st === undefined ? null : st.isDirectory() ? 'dir' : 'file';
}

/**
 * Finds and validates the playbook (a file, or a template directory holding `playbook.yaml`) and
 * its simulation profile (`--profile`, else `simulation.yaml` beside the playbook when there is
 * one). A path that does not exist is a usage error; an invalid file gives its diagnostics.
 */
export async function loadInputs(
  target: string,
  profileArg: string | undefined,
  cwd: string,
  lang: Lang,
): Promise<Inputs> {
  const m = messages(lang);
  let playbookFile = resolve(cwd, target);
  const k = await kind(playbookFile);
  if (k === null) throw new UsageError(m.notFound(target));
  if (k === 'dir') {
    playbookFile = join(playbookFile, 'playbook.yaml');
    if ((await kind(playbookFile)) !== 'file')
      throw new UsageError(m.notFound(join(target, 'playbook.yaml')));
  }
  let profileFile: string | null = null;
  if (profileArg !== undefined) {
    profileFile = resolve(cwd, profileArg);
    if ((await kind(profileFile)) !== 'file') throw new UsageError(m.notFound(profileArg));
  } else {
    const beside = join(dirname(playbookFile), 'simulation.yaml');
    if ((await kind(beside)) === 'file') profileFile = beside;
  }

  const { validatePlaybookFile, validateSimulationText } = await import('@kith/playbook');
  const pb = await validatePlaybookFile(playbookFile, { lang });
  const diagnostics = pb.diagnostics.filter((d) => d.severity === 'error');
  const sources = new Map(pb.sources);
  let profile: SimulationProfile | undefined;
  if (profileFile !== null) {
    const text = await readFile(profileFile, 'utf8');
    const loaded = validateSimulationText(text, profileFile);
    diagnostics.push(...loaded.diagnostics.filter((d) => d.severity === 'error'));
    for (const [f, s] of loaded.sources) sources.set(f, s);
    profile = loaded.value;
  }
  if (diagnostics.length > 0 || pb.playbook === undefined) return { ok: false, diagnostics, sources };
  return { ok: true, playbookFile, playbook: pb.playbook, params: pb.params, profileFile, profile };
}
