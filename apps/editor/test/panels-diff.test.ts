import { describe, expect, it } from 'vitest';
import { diffStats, groupChanges, parseUnified, pointerLabel, previewValue } from '../src/panels/lib/diff.js';

const UNIFIED = `--- v2
+++ draft
@@ -3,4 +3,4 @@ name
 name: Club
-description: old
+description: new
+locale: zh-CN
 stages:
--- a YAML line that starts with dashes
@@ -20 +21 @@
-  wait: 1d
+  wait: 2d
`;

describe('parseUnified', () => {
  const lines = parseUnified(UNIFIED);

  it('keeps file headers and hunk headers apart from content', () => {
    expect(lines.map((l) => l.kind)).toEqual([
      'file',
      'file',
      'hunk',
      'context',
      'removed',
      'added',
      'added',
      'context',
      'removed',
      'hunk',
      'removed',
      'added',
    ]);
  });

  it('numbers old and new lines from the hunk header', () => {
    expect(lines[3]).toEqual({ kind: 'context', text: 'name: Club', oldLine: 3, newLine: 3 });
    expect(lines[4]).toEqual({ kind: 'removed', text: 'description: old', oldLine: 4, newLine: null });
    expect(lines[5]).toEqual({ kind: 'added', text: 'description: new', oldLine: null, newLine: 4 });
    expect(lines[6]).toMatchObject({ kind: 'added', newLine: 5 });
    expect(lines[7]).toMatchObject({ kind: 'context', oldLine: 5, newLine: 6 });
    expect(lines[10]).toEqual({ kind: 'removed', text: '  wait: 1d', oldLine: 20, newLine: null });
    expect(lines[11]).toEqual({ kind: 'added', text: '  wait: 2d', oldLine: null, newLine: 21 });
  });

  it('reads a removed line starting with "--" as content, not as a file header', () => {
    expect(lines[8]).toEqual({
      kind: 'removed',
      text: '-- a YAML line that starts with dashes',
      oldLine: 6,
      newLine: null,
    });
  });

  it('counts added and removed lines', () => {
    expect(diffStats(lines)).toEqual({ added: 3, removed: 3 });
    expect(diffStats(parseUnified(''))).toEqual({ added: 0, removed: 0 });
  });
});

describe('structured changes', () => {
  it('labels JSON pointers as breadcrumbs, numbering list items from 1', () => {
    expect(pointerLabel('/stages/attract/journeys/0/steps/2')).toBe(
      'stages › attract › journeys › #1 › steps › #3',
    );
    expect(pointerLabel('/offers/a~1b')).toBe('offers › a/b');
    expect(pointerLabel('')).toBe('(document)');
  });

  it('shortens values to one line', () => {
    expect(previewValue('two\nlines')).toBe('two lines');
    expect(previewValue({ wait: '1d' })).toBe('{"wait":"1d"}');
    expect(previewValue('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(previewValue(undefined)).toBe('');
  });

  it('groups changes by top-level section in the order met', () => {
    const groups = groupChanges([
      { path: '/stages/a/name', kind: 'changed', before: 'A', after: 'B' },
      { path: '/offers/box', kind: 'added', after: {} },
      { path: '/stages/b', kind: 'removed', before: {} },
    ]);
    expect(groups.map((g) => [g.section, g.changes.length])).toEqual([
      ['stages', 2],
      ['offers', 1],
    ]);
  });
});
