import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { runUsageContract, type UsageStore } from '@stitch/store';
import { openDuckDbStore } from './duckdb-store.ts';

const dir = mkdtempSync('/tmp/stitch-duckdb-usage-');
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const paths = new WeakMap<UsageStore, string>();

runUsageContract('duckdb', {
  newStore: async () => {
    const path = join(dir, `usage-${++files}.duckdb`);
    const store = await openDuckDbStore({ path });
    paths.set(store, path);
    return store;
  },
  reopen: async (store) => {
    const path = paths.get(store)!;
    await store.close();
    return openDuckDbStore({ path });
  },
});
