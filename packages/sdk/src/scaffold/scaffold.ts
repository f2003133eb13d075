import { type ResolvedScaffold, resolveScaffold, type ScaffoldOptions } from './options.js';
import { packageJson, readme, tsconfigJson } from './templates/package-files.js';
import {
  CLIENT,
  CONFIG,
  CONTRACT_TEST,
  FAKE,
  INDEX,
  INVITE,
  PLUGIN,
  SEND,
  WEBHOOK,
} from './templates/source-files.js';

/** One file of a scaffold, at a path relative to the package directory. */
export interface ScaffoldFile {
  path: string;
  content: string;
}

function fill(template: string, s: ResolvedScaffold): string {
  return template
    .replaceAll('__Pascal__', s.pascal)
    .replaceAll('__camel__', s.camel)
    .replaceAll('__Display__', s.displayName)
    .replaceAll('__name__', s.name);
}

/**
 * The files of a new channel plugin package: config schema, client, send, invite, webhook,
 * definePlugin, an in-process fake of the provider, and a test running the contract suite —
 * which passes as generated, so a developer starts green and replaces the placeholder API.
 * Pure: `kith plugin new` writes the files.
 */
export function scaffoldChannelPlugin(options: ScaffoldOptions): ScaffoldFile[] {
  const s = resolveScaffold(options);
  const sources: [string, string][] = [
    ['src/config.ts', CONFIG],
    ['src/client.ts', CLIENT],
    ['src/send.ts', SEND],
    ['src/invite.ts', INVITE],
    ['src/webhook.ts', WEBHOOK],
    ['src/plugin.ts', PLUGIN],
    ['src/fake-provider.ts', FAKE],
    ['src/contract.test.ts', CONTRACT_TEST],
    ['src/index.ts', INDEX],
  ];
  return [
    { path: 'package.json', content: packageJson(s) },
    { path: 'tsconfig.json', content: tsconfigJson(s) },
    { path: 'README.md', content: readme(s) },
    ...sources.map(([path, t]) => ({ path, content: fill(t, s) })),
  ];
}
