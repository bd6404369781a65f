import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyMeasurements, measure, type GraphRecord } from '@stitch/graph';
import type { MetricRecord } from '@stitch/metrics';
import { emptyUsageCounts, makeSpan, nanos, spansToBatch, type UsageRow } from '@stitch/model';
import type { CentralStore, DerivedCommit } from '@stitch/store';

export interface DerivedStateContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<CentralStore>;
  /** Closes the store and opens the same data again. */
  reopen: (store: CentralStore) => Promise<CentralStore>;
}

const MINUTE_MS = Date.UTC(2030, 2, 17, 10, 0);
const spanOf = (trace: number, span: number) =>
  makeSpan({ name: `span ${span}`, traceId: trace.toString(16).padStart(32, 'a'), spanId: span.toString(16).padStart(16, 'b'), startTimeUnixNano: nanos(BigInt(MINUTE_MS) * 1_000_000n), endTimeUnixNano: nanos(BigInt(MINUTE_MS + 20) * 1_000_000n) });
const idsOf = (spans: ReadonlyArray<{ spanId: string }>) => spans.map((span) => span.spanId).sort();

/** A commit of `requests` calls of 20 ms to payments, counted in the map, the metrics and the usage. */
function commitOf(requests: number, throughSeq: number, waiting: DerivedCommit['checkpoint']['waiting']): DerivedCommit {
  const measurements = emptyMeasurements();
  for (let i = 0; i < requests; i++) measure(measurements, 20_000_000n, spanOf(1, 1));
  const payments = { account: '555555555555', accountLabel: 'payments', service: 'payments', inferred: null, label: 'payments' };
  const graph: GraphRecord = { bucketStartMs: MINUTE_MS, kind: 'node', connection: 'sync', from: null, to: payments, measurements, roots: requests, examples: [] };
  // A latency sum past 2^53 ns (a busy minute's), which must not be rounded on the way.
  const metric: MetricRecord = { bucketStartMs: MINUTE_MS, account: '555555555555', accountLabel: 'payments', service: 'payments', operation: 'POST /charge', measurements: { ...measurements, latencySumNanos: 2n ** 55n + BigInt(requests) } };
  const usage: UsageRow = { day: '2030-03-17', accountId: '555555555555', serviceName: 'payments', ...emptyUsageCounts(), spans: requests, tracesRecorded: requests, firstSeenMs: MINUTE_MS, lastSeenMs: MINUTE_MS };
  return { graphRecords: [graph], metricRecords: [metric], usageRows: [usage], checkpoint: { throughSeq, waiting } };
}

/** What every central store must do for derived figures to be as durable as the spans (derived-state.ts). */
export function runDerivedStateContract(name: string, options: DerivedStateContractOptions): void {
  const it = (title: string, body: (store: CentralStore) => Promise<CentralStore | void>) =>
    test(title, async () => {
      let store = await options.newStore();
      try {
        store = (await body(store)) ?? store;
      } finally {
        await store.close();
      }
    });

  describe(`derived state contract: ${name}`, () => {
    it('writes numbered by central are read back by number, each whole, in order; the last number is known after a reopen', async (store) => {
      assert.equal(await store.lastIngestSeq(), 0);
      // Two lanes: a later number may be stored first.
      await store.writeBatch(spansToBatch([spanOf(2, 21), spanOf(2, 22)]), [], 2);
      await store.writeBatch(spansToBatch([spanOf(1, 11)]), [], 1);
      await store.writeBatch(spansToBatch([spanOf(3, 31), spanOf(1, 12), spanOf(3, 32)]), [], 3);
      const all = await store.readWrites(0, 3);
      assert.deepEqual(all.map((write) => [write.seq, idsOf(write.spans)]), [
        [1, idsOf([spanOf(1, 11)])],
        [2, idsOf([spanOf(2, 21), spanOf(2, 22)])],
        [3, idsOf([spanOf(3, 31), spanOf(1, 12), spanOf(3, 32)])],
      ]);
      assert.deepEqual(all[0]!.spans, [spanOf(1, 11)], 'a span read back is the span written');
      assert.deepEqual((await store.readWrites(1, 2)).map((write) => write.seq), [2], 'after one number, through another');
      const reopened = await options.reopen(store);
      assert.equal(await reopened.lastIngestSeq(), 3);
      return reopened;
    });

    it('a commit adds its figures and replaces the checkpoint; both outlive a reopen', async (store) => {
      assert.equal(await store.readDerivedCheckpoint(), null, 'no checkpoint before the first commit');
      const waiting = [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }];
      await store.commitDerived(commitOf(3, 5, waiting));
      await store.commitDerived(commitOf(4, 9, []));
      const reopened = await options.reopen(store);
      assert.deepEqual(await reopened.readDerivedCheckpoint(), { throughSeq: 9, waiting: [] });
      const [node] = await reopened.readGraphRecords(MINUTE_MS, MINUTE_MS + 60_000);
      assert.equal(node?.measurements.count, 7, 'the map counts of both commits added up');
      const metrics = await reopened.readMetricRecords(MINUTE_MS, MINUTE_MS + 60_000);
      assert.deepEqual(metrics.map((record) => [record.operation, record.measurements.count, record.measurements.latencySumNanos]), [['POST /charge', 7, 2n ** 56n + 7n]]);
      const usage = await reopened.readUsage('2030-03-17', '2030-03-17');
      assert.deepEqual(usage.map((row) => [row.serviceName, row.spans, row.tracesRecorded]), [['payments', 7, 7]]);
      await reopened.commitDerived(commitOf(0, 10, waiting));
      assert.deepEqual(await reopened.readDerivedCheckpoint(), { throughSeq: 10, waiting }, 'the waiting spans kept as committed');
      return reopened;
    });
  });
}
