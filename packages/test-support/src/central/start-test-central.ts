import { openDuckDbStore } from '@stitch/store-duckdb';
import { startCentral, type CentralOptions, type RunningCentral } from '@stitch/central';

export interface TestCentral extends RunningCentral {
  stop(): Promise<void>;
}

/** A real central on a free loopback port over a real DuckDB store (in memory unless a path is given). */
export async function startTestCentral(options: Partial<CentralOptions> & { path?: string } = {}): Promise<TestCentral> {
  const store = options.store ?? (await openDuckDbStore({ path: options.path ?? ':memory:' }));
  const central = await startCentral({ decodeWorkers: 1, log: () => {}, ...options, store, port: 0 });
  return {
    ...central,
    async stop() {
      await central.close();
      await store.close();
    },
  };
}
