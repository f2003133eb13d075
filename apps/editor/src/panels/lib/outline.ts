import { parse } from 'yaml';

export interface Named {
  id: string;
  name: string;
}

/** What the panels show of a playbook without the validator: its stages, entries and tiers. */
export interface Outline {
  name: string;
  description: string;
  stages: Named[];
  entries: { id: string; source: string }[];
  tiers: Named[];
  journeys: { id: string; name: string; stage: string; steps: string[] }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function named(map: unknown): Named[] {
  if (!isRecord(map)) return [];
  return Object.entries(map).map(([id, v]) => ({ id, name: (isRecord(v) && str(v.name)) || id }));
}

const EMPTY: Outline = { name: '', description: '', stages: [], entries: [], tiers: [], journeys: [] };

/**
 * The outline of a playbook's YAML. Anything unreadable gives an empty outline: the panels use it
 * for labels and suggestions only, and the validator reports the YAML's problems elsewhere.
 */
export function outline(source: string): Outline {
  let doc: unknown;
  try {
    doc = parse(source, { maxAliasCount: 100, prettyErrors: false });
  } catch {
    return EMPTY;
  }
  if (!isRecord(doc)) return EMPTY;
  const journeys: Outline['journeys'] = [];
  if (isRecord(doc.stages)) {
    for (const [stage, s] of Object.entries(doc.stages)) {
      if (!isRecord(s) || !Array.isArray(s.journeys)) continue;
      for (const j of s.journeys) {
        if (!isRecord(j) || typeof j.journey !== 'string') continue;
        const steps = Array.isArray(j.steps)
          ? j.steps
              .filter(isRecord)
              .map((st) => str(st.id))
              .filter((id) => id !== '')
          : [];
        journeys.push({ id: j.journey, name: str(j.name) || j.journey, stage, steps });
      }
    }
  }
  return {
    name: str(doc.name),
    description: str(doc.description),
    stages: named(doc.stages),
    entries: isRecord(doc.entries)
      ? Object.entries(doc.entries).map(([id, e]) => ({ id, source: (isRecord(e) && str(e.source)) || id }))
      : [],
    tiers: named(doc.tiers),
    journeys,
  };
}
