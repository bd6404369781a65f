// A test reporter that adds, at the end of a run, the files that took longest (wall time, their
// hooks included): where to look when the suite outgrows its 20 minutes.
const SHOWN = 15;

export default async function* slowestFiles(source) {
  const seconds = new Map();
  for await (const event of source) {
    // A file's own completion carries its path as its name, and its whole run's duration.
    if (event.type === 'test:complete' && event.data.file !== undefined && event.data.name === event.data.file) {
      seconds.set(event.data.file, (event.data.details?.duration_ms ?? 0) / 1000);
    }
  }
  if (seconds.size < 2) return;
  const root = new URL('..', import.meta.url).pathname;
  const slowest = [...seconds].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  yield `# slowest test files (wall seconds, ${seconds.size} files):\n`;
  for (const [file, s] of slowest) yield `#   ${s.toFixed(0).padStart(5)}  ${file.startsWith(root) ? file.slice(root.length) : file}\n`;
}
