import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** MiB of this process's JS heap in use after full collections (central and the agent run in-process). */
export async function settledHeapMiB(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    // Let finalizers and closed sockets' callbacks run between collections.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * The bound on growth between the warm-up and the end of a run. Everything a run leaves behind
 * legitimately is small (sampling audit entries, the agent's map of 10,000 segment services,
 * DuckDB's memory is off the JS heap), a few MiB; a leak of 4 KB per input over 10,000 inputs
 * (39 MiB) exceeds it.
 */
export const MAX_HEAP_GROWTH_MIB = 32;
