// Files that import each other cannot be read (or tested) one at a time, and a cycle through
// values fails at run time depending on which file is loaded first. Every import counts here,
// type-only and dynamic ones too: they tie two files together for a reader just the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importCycles, importGraph, type ImportGraph } from './import-graph.ts';

/** Cycles known and being broken, each as its sorted files. Remove an entry once its cycle is gone. */
const ALLOWED_CYCLES: string[][] = [];

test('no file-level import cycle in packages/*/src, bench/ or test/ (relative imports and @stitch/* entry points)', () => {
  const graph = importGraph();
  assert.ok(graph.size > 500, `the graph holds every source file (found ${graph.size})`);
  const agentImports = graph.get('packages/agent/src/agent.ts')!.map((edge) => edge.to);
  assert.ok(agentImports.includes('packages/http/src/index.ts'), '@stitch/http resolves to its entry point');
  assert.ok(agentImports.includes('packages/agent/src/forwarder.ts'), 'relative imports resolve to files');
  const cycles = importCycles(graph);
  const key = (files: string[]) => files.join(' ');
  const allowed = new Set(ALLOWED_CYCLES.map(key));
  const unexpected = cycles.filter((cycle) => !allowed.has(key(cycle.files)));
  assert.deepEqual(
    unexpected.map((cycle) => cycle.example.join(' → ')),
    [],
    'files that import each other: move what both need into a file of its own (`node --import tsx test/architecture/import-graph.ts` lists every cycle)',
  );
  const found = new Set(cycles.map((cycle) => key(cycle.files)));
  assert.deepEqual(
    ALLOWED_CYCLES.filter((files) => !found.has(key(files))),
    [],
    'allowed cycles that no longer exist: remove them from ALLOWED_CYCLES',
  );
});

test('the cycle finder finds direct, longer and self-import cycles, and nothing in an acyclic graph', () => {
  const edge = (to: string) => ({ to, typeOnly: false, dynamic: false });
  const graph: ImportGraph = new Map([
    ['a.ts', [edge('b.ts')]],
    ['b.ts', [edge('a.ts'), edge('c.ts')]],
    ['c.ts', [edge('d.ts')]],
    ['d.ts', [edge('e.ts')]],
    ['e.ts', [edge('c.ts')]],
    ['self.ts', [edge('self.ts')]],
    ['leaf.ts', []],
    ['uses-leaf.ts', [edge('leaf.ts'), edge('outside.ts')]],
  ]);
  assert.deepEqual(
    importCycles(graph).map((cycle) => cycle.example),
    [
      ['a.ts', 'b.ts', 'a.ts'],
      ['c.ts', 'd.ts', 'e.ts', 'c.ts'],
      ['self.ts', 'self.ts'],
    ],
  );
  assert.deepEqual(importCycles(graph, (found) => found.to !== 'c.ts' && found.to !== 'a.ts' && found.to !== 'self.ts'), []);
});
