import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySketch, recordLatency, sketchTotal } from '@stitch/graph';
import { sloStatus, type MetricRecord, type SloDefinition } from '@stitch/metrics';
import { seededRandom } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { statusOf } from './slo-routes.ts';

const MINUTE_MS = 60_000;
// Neither on an hour nor on a minute: the window's edges cut hours and minutes.
const NOW_MS = Date.parse('2030-05-20T13:47:31.250Z');

/** 31 days of minute records (some minutes without any) for two operations of checkout and one of payments, random counts. */
function minuteRecords(seed: number): MetricRecord[] {
  const random = seededRandom(seed);
  const records: MetricRecord[] = [];
  const firstMinute = Math.floor((NOW_MS - 31 * 1_440 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  for (let minute = firstMinute; minute < NOW_MS + 5 * MINUTE_MS; minute += MINUTE_MS) {
    if (random() < 0.85) continue;
    for (const [service, operation] of [['checkout', 'GET /cart'], ['checkout', 'POST /buy'], ['payments', 'POST /pay']] as const) {
      const latency = emptySketch();
      for (let n = Math.floor(random() * 6); n > 0; n--) recordLatency(latency, Math.floor(1e4 * 1e3 ** random()));
      const count = sketchTotal(latency);
      const faults = Math.floor(random() * (count + 1) * 0.3);
      records.push({ bucketStartMs: minute, account: '111111111111', accountLabel: 'shop', service, operation, measurements: { count, errors: 0, faults, throttles: 0, latencySumNanos: BigInt(count) * 1_000_000n, latency } });
    }
  }
  return records;
}

test("an SLO's status read in hour and minute pieces equals its status from every minute of the window", async () => {
  const store = await openDuckDbStore({ path: ':memory:' });
  try {
    const records = minuteRecords(5);
    await store.writeMetricRecords(records);
    const slos: SloDefinition[] = [
      { id: 'a', name: 'checkout p99', selector: { service: 'checkout' }, objective: { kind: 'latency', thresholdMs: 2 }, target: 0.99, windowDays: 30 },
      { id: 'b', name: 'buy succeeds', selector: { service: 'checkout', operation: 'POST /buy' }, objective: { kind: 'success' }, target: 0.9, windowDays: 7 },
    ];
    for (const slo of slos) {
      const status = await statusOf(slo, { store, now: () => NOW_MS });
      const inWindow = records.filter((r) => r.service === slo.selector.service && (slo.selector.operation ?? r.operation) === r.operation);
      assert.deepEqual(status, sloStatus(slo, inWindow, NOW_MS), slo.name);
      assert.equal(status.daily.length, slo.windowDays + 1, 'the window touches one more UTC day than it lasts');
      assert.ok(status.total > 0 && status.burnRate['1h'] !== null);
    }
  } finally {
    await store.close();
  }
});
