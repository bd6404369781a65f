import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { OLD_HISTOGRAM_BUCKETS, quantileOf } from '@stitch/graph';
import { OLD_HISTOGRAM_COLUMNS } from '@stitch/store';
import { openDuckDbStore } from './duckdb-store.ts';
import { MIGRATIONS, SCHEMA_TABLE, SKETCH_MIGRATION } from './schema.ts';

// A file written before the latency sketch (the schema one step before it, 62 histogram columns) opens, and its
// counts come back as sketches: each old bucket's count in the sketch bucket of its midpoint.

const MINUTE_MS = 60_000;
const histogramValues = (counts: Record<number, number>) => OLD_HISTOGRAM_COLUMNS.map((_, i) => counts[i] ?? 0).join(', ');

test('a store file from before the sketch migrates: its map and metric counts come back, percentiles inside their old buckets', async () => {
  const dir = mkdtempSync('/tmp/stitch-duckdb-sketch-');
  try {
    const path = join(dir, 'old.duckdb');
    const old = await DuckDBInstance.create(path);
    const connection = await old.connect();
    await connection.run(SCHEMA_TABLE);
    for (let version = 1; version <= MIGRATIONS.indexOf(SKETCH_MIGRATION); version++) {
      const migration = MIGRATIONS[version - 1]!;
      if (typeof migration === 'string') await connection.run(migration);
      else await migration(connection);
      await connection.run('INSERT INTO stitch_schema VALUES (?)', [version]);
    }
    await connection.run(`INSERT INTO graph_buckets VALUES (${MINUTE_MS}, 'node', 'sync', NULL, NULL, NULL, NULL, NULL,
      'a', 'A', 'checkout', NULL, 'checkout', 3, 0, 1, 0, 9000000, 1, ['t1'], ${histogramValues({ 10: 2, 40: 1 })})`);
    await connection.run(`INSERT INTO metric_buckets VALUES (${MINUTE_MS}, 'a', 'A', 'checkout', 'GET /', 3, 0, 1, 0, 9000000, ${histogramValues({ 0: 1, 61: 2 })})`);
    connection.closeSync();
    old.closeSync();

    const store = await openDuckDbStore({ path });
    try {
      const [node] = await store.readGraphRecords(0, 10 * MINUTE_MS);
      assert.equal(node!.measurements.count, 3);
      assert.deepEqual(node!.measurements.latency, { buckets: [OLD_HISTOGRAM_BUCKETS[10]!, OLD_HISTOGRAM_BUCKETS[40]!], counts: [2, 1] });
      // Old bucket 10 is (0.1 ms × 1.25^9, 0.1 ms × 1.25^10]: its p50 now lies inside it.
      const p50 = Number(quantileOf(node!.measurements.latency, 0.5));
      assert.ok(p50 > 100_000 * 1.25 ** 9 && p50 <= 100_000 * 1.25 ** 10, `p50 ${p50} ns inside the old bucket`);
      const [metric] = await store.readMetricRecords(0, 10 * MINUTE_MS);
      assert.deepEqual(metric!.measurements.latency, { buckets: [OLD_HISTOGRAM_BUCKETS[0]!, OLD_HISTOGRAM_BUCKETS[61]!], counts: [1, 2] });
      // New counts add into the converted row.
      await store.writeMetricRecords([{ ...metric!, measurements: { count: 2, errors: 0, faults: 0, throttles: 0, latencySumNanos: 1n, latency: { buckets: [5, OLD_HISTOGRAM_BUCKETS[0]!], counts: [1, 1] } } }]);
      const [added] = await store.readMetricRecords(0, 10 * MINUTE_MS);
      assert.equal(added!.measurements.count, 5);
      assert.deepEqual(added!.measurements.latency, { buckets: [5, OLD_HISTOGRAM_BUCKETS[0]!, OLD_HISTOGRAM_BUCKETS[61]!], counts: [1, 2, 2] });
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
