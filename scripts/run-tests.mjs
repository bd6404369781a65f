// Runs every *.test.ts in the repository with node's own test runner (tsx for TypeScript).
// Node 20's --test does not glob, so the files are found here.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { ensureDebianPackage } from './ensure-debian-package.mjs';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['node_modules', '.git', '.stitch-data', 'results']);

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// run-test-files.mjs starts files in the order given, two at a time: the longest first (soaks, fuzzing,
// processes across packages), so the short ones fill in around them instead of two long ones
// running alone at the end.
const LONG_FIRST = ['test/e2e/soak', 'test/fuzz/', 'test/e2e/crash', 'test/e2e/cli', 'test/', 'packages/store-clickhouse/'];
const startRank = (path) => {
  const rank = LONG_FIRST.findIndex((prefix) => path.startsWith(prefix));
  return rank === -1 ? LONG_FIRST.length : rank;
};

// `npm test -- a b` runs the test files whose paths contain a or b.
const filters = process.argv.slice(2);
const files = findTests(root)
  .map((path) => relative(root, path))
  .filter((path) => filters.length === 0 || filters.some((filter) => path.includes(filter)))
  .sort((a, b) => startRank(a) - startRank(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error(`no test files${filters.length > 0 ? ` matching ${filters.join(' or ')}` : ''}`);
  process.exit(1);
}

if (files.some((path) => path.includes('console'))) ensureDebianPackage('chromium', '/usr/bin/chromium', 'the console tests');
if (files.some((path) => path.includes('clickhouse'))) ensureDebianPackage('clickhouse-server', '/usr/sbin/clickhouse-server', 'the ClickHouse tests');

const concurrency = Math.max(2, availableParallelism());
const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/run-test-files.mjs'), ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEST_CONCURRENCY: String(concurrency) },
});
process.exit(result.status ?? 1);
