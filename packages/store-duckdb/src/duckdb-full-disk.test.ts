import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeSpan, nanos, spansToBatch } from '@stitch/model';
import { mountSmallDisk } from '@stitch/test-support/small-disk';
import { openDuckDbStore } from './duckdb-store.ts';

const batchOf = (n: number) =>
  spansToBatch(Array.from({ length: 500 }, (_, i) => makeSpan({ traceId: (n + 1).toString(16).padStart(32, '0'), spanId: (n * 1000 + i + 1).toString(16).padStart(16, '0'), name: `operation ${'x'.repeat(40)} ${i}`, startTimeUnixNano: nanos(1n), endTimeUnixNano: nanos(2n) })));

test('a checkpoint failing on a full disk invalidates the DuckDB database: the store reattaches it once space is back, every acknowledged write kept', { timeout: 120_000 }, async (t) => {
  const disk = mountSmallDisk(t, 4096);
  if (!disk) return;
  const path = join(disk.dir, 'stitch.duckdb');
  // A checkpoint every megabyte of write-ahead log: the disk fills during one.
  const store = await openDuckDbStore({ path, checkpointMegabytes: 1 });
  const stored: string[] = [];
  const failures: string[] = [];
  for (let n = 0; n < 200 && failures.length < 3; n++) {
    await store.writeBatch(batchOf(n), [`delivery-${n}`], n + 1).then(
      () => stored.push(`delivery-${n}`),
      (error: Error) => failures.push(`${error.name}: ${error.message}`),
    );
  }
  assert.ok(stored.length > 0 && failures.length === 3, `${stored.length} writes stored before the disk filled`);
  assert.ok(failures.every((message) => message.startsWith('StoreError: duckdb: ')), failures.join('\n'));
  assert.ok(failures.some((message) => /invalidated/.test(message) && /No space left on device/.test(message)), `a checkpoint failed and invalidated the database: ${failures.join('\n')}`);
  await assert.rejects(store.getTrace((1).toString(16).padStart(32, '0')), /invalidated/, 'until reattached, reads fail too (a StoreError: central answers 503)');

  disk.grow(64 * 1024); // space is back
  await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the reattach interval
  await store.writeBatch(batchOf(500), ['after'], 501);
  assert.equal((await store.getTrace((501).toString(16).padStart(32, '0'))).length, 500, 'written and read after the reattach');
  const kept = await store.storedDeliveries([...stored, 'after']);
  assert.equal(kept.size, stored.length + 1, 'every write acknowledged before the disk filled, and the one after, are there');
  await store.close();

  const reopened = await openDuckDbStore({ path });
  assert.equal((await reopened.storedDeliveries([...stored, 'after'])).size, stored.length + 1, 'and after a restart');
  await reopened.close();
});
