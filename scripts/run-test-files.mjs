// Runs the test files given, in the order given, `TEST_CONCURRENCY` at a time, reporting TAP and
// then the files that took longest. Started by run-tests.mjs with tsx loaded, which every file's
// process inherits. (`node --test` would sort the files by name, losing the longest-first order.)
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

const SHOWN = 15;
const files = process.argv.slice(2);
const seconds = new Map();
const stream = run({ files, concurrency: Number(process.env.TEST_CONCURRENCY ?? 2) });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
// A file's own completion carries its path, as given, as its name, and its whole run's duration (hooks included).
const given = new Set(files);
stream.on('test:complete', (data) => {
  if (given.has(data.name)) seconds.set(data.name, (data.details?.duration_ms ?? 0) / 1000);
});
const report = stream.compose(tap);
report.pipe(process.stdout, { end: false });
report.on('end', () => {
  if (seconds.size < 2) return;
  const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  process.stdout.write(`# slowest test files (wall seconds, hooks included; ${seconds.size} files):\n`);
  for (const [file, s] of slowest) process.stdout.write(`#   ${s.toFixed(0).padStart(5)}  ${file}\n`);
});
