import { rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildPayloadPool } from '../bench/otlp-load.ts';
import { decodeOtlpTraces } from '@stitch/wire';
import { concatBatches } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';

const N = Number(process.argv[2] ?? 50_000);
const pool = buildPayloadPool({ seed: 7, spans: N, spansPerRequest: 500, anchorMs: Date.now() });
const account = { id: '111111111111', label: 'a' };
const batches = pool.payloads.map((p) => decodeOtlpTraces(p.body, 'protobuf', account).batch);
const groups = [] as ReturnType<typeof concatBatches>[];
for (let i = 0; i < batches.length; i += 10) groups.push(concatBatches(batches.slice(i, i + 10)));
rmSync('/tmp/wp.duckdb', { force: true });
const store = await openDuckDbStore({ path: '/tmp/wp.duckdb' });
// Wrap the lane connection's run to time statements by their first words.
const lanes = (store as unknown as { lanes: Array<{ connection: { run: Function } }> }).lanes;
const cost = new Map<string, number>();
for (const lane of lanes) {
  const run = lane.connection.run.bind(lane.connection);
  lane.connection.run = async (sql: string, params?: unknown) => {
    const c0 = process.cpuUsage(); const w0 = performance.now();
    try { return await run(sql, params); } finally {
      const c = process.cpuUsage(c0); const key = sql.trim().slice(0, 22).replace(/\s+/g, ' ');
      cost.set(key, (cost.get(key) ?? 0) + c.user + c.system);
      cost.set(key + ' (wall)', (cost.get(key + ' (wall)') ?? 0) + (performance.now() - w0) * 1000);
    }
  };
}
const c0 = process.cpuUsage();
for (const g of groups) await store.writeBatch(g);
const total = process.cpuUsage(c0);
await store.close();
for (const [k, v] of cost) console.log(k.padEnd(32), (v / pool.spanCount).toFixed(1), 'µs/span');
console.log('total cpu', ((total.user + total.system) / pool.spanCount).toFixed(1));
