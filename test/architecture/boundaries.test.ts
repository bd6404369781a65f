// Packages meet only through their names: a relative import that leaves its package reaches into
// files the other package never promised to keep, and code that registers tests must not ship.
// Checked on every source file of packages/, test/ and bench/.
import assert from 'node:assert/strict';
import { dirname, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, sourceFilesUnder, specifiersOf } from './import-graph.ts';

const SCANNED_FOLDERS = ['packages', 'test', 'bench'];
const SOURCE_FILE = /\.(tsx?|mjs|js)$/;

/** `packages/<name>` for a package's files; the top folder (`test`, `bench`) for the rest, which are no package. */
function homeOf(file: string): string {
  const [top, name] = file.split('/');
  return top === 'packages' ? `packages/${name}` : top!;
}

/** A relative import from `file` that lands in another package, or that leaves a package for test/ or bench/. */
function leavesPackage(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), specifier)).split('\\').join('/');
  const from = homeOf(file);
  const to = homeOf(target);
  return from !== to && (from.startsWith('packages/') || to.startsWith('packages/'));
}

/** Test files, the test folder's helpers and the test-support package may register tests; nothing else may. */
function mayUseTestRunner(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || file.startsWith('test/') || file.startsWith('packages/test-support/');
}

const files = SCANNED_FOLDERS.flatMap((folder) => sourceFilesUnder(folder, SOURCE_FILE));

test('no file outside tests and @stitch/test-support imports node:test', () => {
  assert.ok(files.length > 500, `every source file is scanned (found ${files.length})`);
  assert.ok(specifiersOf('packages/test-support/src/store-contracts/store-contract.ts').includes('node:test'), 'imports are read');
  const offenders = files.filter((file) => !mayUseTestRunner(file) && specifiersOf(file).includes('node:test'));
  assert.deepEqual(offenders, [], 'production code imports node:test: move the harness into packages/test-support');
});

test('no relative import leaves its package: packages, test/ and bench/ reach a package by its name', () => {
  const offenders = files.flatMap((file) => specifiersOf(file).filter((specifier) => leavesPackage(file, specifier)).map((specifier) => `${file} → ${specifier}`));
  assert.deepEqual(offenders, [], "import these by package name (export the name, or a narrow subpath in the package's package.json)");
});

test('which relative imports leave a package', () => {
  const cases: Array<[file: string, specifier: string, leaves: boolean]> = [
    ['packages/agent/src/agent.ts', './forwarder.ts', false],
    ['packages/central/src/read/traces/traces-api.test.ts', '../../server.ts', false],
    ['packages/agent/src/agent.test.ts', '../../central/src/server.ts', true],
    ['packages/store-duckdb/src/a.test.ts', '../../store/src/index.ts', true],
    ['packages/wire/src/nesting-limit.test.ts', '../../../test/fuzz/nesting-inputs.ts', true],
    ['test/e2e/cli.test.ts', '../../packages/cli/src/index.ts', true],
    ['bench/costly-reads.ts', '../packages/central/src/index.ts', true],
    ['bench/console-bench.ts', '../test/e2e/console/browser.ts', false],
    ['test/e2e/soak-check.ts', '../../bench/soak-run.ts', false],
    ['packages/agent/src/agent.ts', '@stitch/http', false],
  ];
  for (const [file, specifier, leaves] of cases) assert.equal(leavesPackage(file, specifier), leaves, `${file} → ${specifier}`);
});
