/**
 * The panels (templates, versions, simulation, live, members) are separate chunks, loaded the
 * first time they are opened. The glob keeps the shell building while a panel is still missing.
 */
export type PanelName = 'templates' | 'versions' | 'simulation' | 'live' | 'members';

export const PANEL_TAGS: Record<PanelName, string> = {
  templates: 'kith-templates-panel',
  versions: 'kith-versions-panel',
  simulation: 'kith-simulation-panel',
  live: 'kith-live-panel',
  members: 'kith-members-panel',
};

const modules = import.meta.glob<unknown>('../panels/*.ts');

export async function loadPanel(name: PanelName): Promise<void> {
  const load = modules[`../panels/${name}.ts`];
  if (!load) throw new Error(`the ${name} panel is not part of this build (src/panels/${name}.ts)`);
  await load();
  await customElements.whenDefined(PANEL_TAGS[name]);
}
