// Child processes and temporary directories must not outlive the bench, whether it ends,
// fails or is stopped with Ctrl-C. Cleanups are synchronous because 'exit' handlers must be.

const cleanups = new Set<() => void>();
let installed = false;

function runCleanups(): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // best effort: one failed cleanup must not stop the others
    }
  }
  cleanups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping the bench`);
      runCleanups();
      process.exit(130);
    });
  }
}

/** Runs `cleanup` when the process exits unless the returned function is called first. */
export function onExit(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
