import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatedTraffic, type MetricRecord } from '@stitch/metrics';
import { spansToBatch } from '@stitch/model';
import { InMemoryTraceStore } from './in-memory-store.ts';
import { SpanMetricsFeed } from './span-metrics-feed.ts';

test('the feed counts each stored batch once; a failed write is kept and written with the next flush', async () => {
  const store = new InMemoryTraceStore();
  let failNext = true;
  const flaky = {
    async writeMetricRecords(records: readonly MetricRecord[]) {
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      await store.writeMetricRecords(records);
    },
    readMetricRecords: store.readMetricRecords.bind(store),
  };
  const logged: string[] = [];
  const feed = new SpanMetricsFeed(flaky, { flushEveryMs: 3_600_000, log: (message) => logged.push(message) });
  const spans = generatedTraffic(51, { startMs: Date.parse('2030-05-01T00:00:00Z'), minutes: 10, count: 400 });
  const entries = spans.filter((s) => s.kind === 'server' || s.kind === 'consumer' || s.parentSpanId === null).length;
  const total = async () => (await store.readMetricRecords(0, Number.MAX_SAFE_INTEGER)).reduce((sum, r) => sum + r.measurements.count, 0);

  feed.stored(spansToBatch(spans.slice(0, 250)));
  await feed.flush();
  assert.equal(await total(), 0);
  assert.match(logged[0]!, /^span metrics: \d+ buckets not written, kept for the next flush \(store down\)$/);
  feed.stored(spansToBatch(spans.slice(250)));
  await feed.close();
  assert.equal(await total(), entries, 'nothing lost, nothing counted twice');
});
