// What bench/simulate and bench/heap share: their options, the engine build to run and the
// template to simulate (its playbook, parameters and simulation profile).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SimulationSettings } from '@kith/engine';
import { type ResolvedPlaybook, validatePlaybookFile, validateSimulationText } from '@kith/playbook';

export type Engine = typeof import('@kith/engine');

/** `parseArgs` options of a simulation bench; `members` defaults to what the bench measures. */
export function simulationOptions(members: string) {
  return {
    members: { type: 'string', default: members },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '42' },
    template: { type: 'string', default: 'mother-baby' },
    // another build of the engine (a package directory with dist/), to compare two builds on the
    // same machine: `cp -r packages/engine/dist packages/engine/package.json /tmp/before/` before a
    // change (with a node_modules link to packages/engine's), then `--engine /tmp/before`
    engine: { type: 'string' },
  } as const;
}

/** This workspace's engine, or the build in `dir`. */
export async function loadEngine(dir?: string): Promise<Engine> {
  if (dir === undefined) return import('@kith/engine');
  return import(pathToFileURL(join(resolve(dir), 'dist', 'index.js')).href);
}

export interface Template {
  playbook: ResolvedPlaybook;
  params: Record<string, unknown>;
  /** Its simulation.yaml, if it has one. */
  profile: Parameters<Engine['resolveSettings']>[0];
  /** Settings for these counts (the profile fills the rest). */
  settings(engine: Engine, counts: { members: string; days: string; seed: string }): SimulationSettings;
}

/** A template of playbooks/, validated; throws with its diagnostics if it is not valid. */
export async function loadTemplate(name: string): Promise<Template> {
  const dir = join(import.meta.dirname, '..', 'playbooks', name);
  const validated = await validatePlaybookFile(join(dir, 'playbook.yaml'));
  const playbook = validated.playbook;
  if (playbook === undefined) {
    for (const d of validated.diagnostics.filter((x) => x.severity === 'error'))
      console.error(`${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`);
    throw new Error(`the ${name} template should be valid`);
  }
  const profileFile = join(dir, 'simulation.yaml');
  let profile: Template['profile'];
  if (existsSync(profileFile)) {
    const loaded = validateSimulationText(readFileSync(profileFile, 'utf8'), profileFile);
    if (loaded.value === undefined) throw new Error(`${profileFile} should be valid`);
    profile = loaded.value;
  }
  return {
    playbook,
    params: validated.params,
    profile,
    settings: (engine, c) =>
      engine.resolveSettings(
        profile,
        { members: Number(c.members), days: Number(c.days), seed: Number(c.seed) },
        playbook,
      ),
  };
}
