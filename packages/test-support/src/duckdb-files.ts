import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type { StoreLifecycle } from '@stitch/store';
import { openDuckDbStore, type DuckDbStore } from '@stitch/store-duckdb';

/**
 * A contract suite's `newStore` and `reopen` over DuckDB files: each store a file of its own in a
 * temporary folder (removed after the test file), reopened from that file.
 */
export function storesInFiles(name: string) {
  const dir = mkdtempSync(`/tmp/stitch-duckdb-${name}-`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  const paths = new WeakMap<object, string>();
  return {
    newStore: async (): Promise<DuckDbStore> => {
      const path = join(dir, `${name}-${++files}.duckdb`);
      const store = await openDuckDbStore({ path });
      paths.set(store, path);
      return store;
    },
    /** The file a store of these was opened on. */
    pathOf: (store: object): string => paths.get(store)!,
    reopen: async (store: StoreLifecycle): Promise<DuckDbStore> => {
      const path = paths.get(store)!;
      await store.close();
      return openDuckDbStore({ path });
    },
  };
}
