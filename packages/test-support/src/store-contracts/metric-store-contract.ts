import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LatencySketch, Measurements } from '@stitch/graph';
import { seededRandom } from '@stitch/model';
import type { MetricRecord, MetricSelector } from '@stitch/metrics';
import type { MetricStore, StoreLifecycle } from '@stitch/store';

type ClosableMetricStore = MetricStore & StoreLifecycle;

export interface MetricStoreContractOptions {
  /** A fresh, empty store. */
  newStore: () => Promise<ClosableMetricStore>;
  /** Closes the store and opens the same data again; omitted for stores without durability. */
  reopen?: (store: ClosableMetricStore) => Promise<ClosableMetricStore>;
}

const MINUTE_MS = 60_000;
const FIRST_BUCKET_MS = Date.parse('2030-03-01T10:00:00Z');
const ACCOUNTS = ['111111111111', '222222222222', "o'hara'); DROP TABLE metric_buckets --"];
const SERVICES = ['checkout', 'payments', 'Stripe ☕ \\ "x"'];
const OPERATIONS = ['GET /cart', 'POST /pay', "'; SELECT 1 --"];

/** Records with random counts over 20 minutes, many repeating a key and bucket (the store must add them up), from a seed. */
function generatedRecords(seed: number, count: number): MetricRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  return Array.from({ length: count }, () => {
    // Sketch buckets anywhere in their range (0: durations of 0; 2,206: ~292 years).
    const buckets = [...new Set(Array.from({ length: 1 + Math.floor(random() * 30) }, () => (random() < 0.1 ? 0 : Math.floor(random() * 2_207))))].sort((a, b) => a - b);
    const latency: LatencySketch = { buckets, counts: buckets.map(() => 1 + Math.floor(random() * 50)) };
    const total = latency.counts.reduce((sum, n) => sum + n, 0);
    const errors = Math.floor(random() * (total + 1));
    const account = pick(ACCOUNTS);
    return {
      bucketStartMs: FIRST_BUCKET_MS + Math.floor(random() * 20) * MINUTE_MS,
      account,
      accountLabel: `${account.slice(0, 4)} label`,
      service: pick(SERVICES),
      operation: pick(OPERATIONS),
      measurements: {
        count: total,
        errors,
        faults: Math.floor(random() * (total - errors + 1)),
        throttles: Math.floor(random() * (errors + 1)),
        latencySumNanos: BigInt(total) * BigInt(Math.floor(random() * 3e9)),
        latency,
      },
    };
  });
}

const keyOf = (record: MetricRecord) => JSON.stringify([record.bucketStartMs, record.account, record.service, record.operation]);
const sorted = (records: MetricRecord[]) => [...records].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/** What a store must answer, added up here by hand rather than with the graph package's merge. */
function expectedRecords(records: readonly MetricRecord[], startMs: number, endMs: number, selector: MetricSelector = {}, stepMs?: number): MetricRecord[] {
  const sums = new Map<string, MetricRecord>();
  for (const written of records) {
    if (written.bucketStartMs < startMs || written.bucketStartMs >= endMs) continue;
    if ((selector.account ?? written.account) !== written.account) continue;
    if ((selector.service ?? written.service) !== written.service) continue;
    if ((selector.operation ?? written.operation) !== written.operation) continue;
    // Rolled up: back, minute by minute, to the step boundary counted from the window's start.
    let stepStartMs = written.bucketStartMs;
    if (stepMs !== undefined) while ((stepStartMs - startMs) % stepMs !== 0) stepStartMs -= MINUTE_MS;
    const record = { ...written, bucketStartMs: stepStartMs };
    const sum = sums.get(keyOf(record));
    if (!sum) {
      sums.set(keyOf(record), structuredClone(record));
      continue;
    }
    const into: Measurements = sum.measurements;
    const from = record.measurements;
    into.count += from.count;
    into.errors += from.errors;
    into.faults += from.faults;
    into.throttles += from.throttles;
    into.latencySumNanos += from.latencySumNanos;
    const counts = new Map(into.latency.buckets.map((bucket, i) => [bucket, into.latency.counts[i]!]));
    from.latency.buckets.forEach((bucket, i) => counts.set(bucket, (counts.get(bucket) ?? 0) + from.latency.counts[i]!));
    const buckets = [...counts.keys()].sort((a, b) => a - b);
    into.latency = { buckets, counts: buckets.map((bucket) => counts.get(bucket)!) };
  }
  return sorted([...sums.values()]);
}

/** The metric port's contract, run against every backend (in memory, DuckDB, ClickHouse). */
export function runMetricStoreContract(name: string, options: MetricStoreContractOptions): void {
  describe(`metric store contract: ${name}`, () => {
    test('records of one key and bucket add up; window and selector choose; hostile names are kept as sent', async () => {
      let store = await options.newStore();
      try {
        const records = generatedRecords(11, 300);
        await store.writeMetricRecords(records.slice(0, 120));
        await store.writeMetricRecords([]);
        await store.writeMetricRecords(records.slice(120));
        if (options.reopen) store = await options.reopen(store);
        const all = expectedRecords(records, 0, Number.MAX_SAFE_INTEGER);
        assert.ok(all.length < records.length, 'the generated records repeat keys');
        assert.deepEqual(sorted(await store.readMetricRecords(0, Number.MAX_SAFE_INTEGER)), all);
        const start = FIRST_BUCKET_MS + 5 * MINUTE_MS;
        const end = FIRST_BUCKET_MS + 12 * MINUTE_MS;
        assert.deepEqual(sorted(await store.readMetricRecords(start, end)), expectedRecords(records, start, end), 'buckets starting in [start, end)');
        const selectors: MetricSelector[] = [{ account: ACCOUNTS[2]! }, { service: SERVICES[2]! }, { operation: OPERATIONS[2]! }, { account: ACCOUNTS[0]!, service: 'payments', operation: 'GET /cart' }, { service: 'nobody' }];
        for (const selector of selectors) {
          assert.deepEqual(sorted(await store.readMetricRecords(start, end, selector)), expectedRecords(records, start, end, selector), JSON.stringify(selector));
        }
        assert.deepEqual(await store.readMetricRecords(FIRST_BUCKET_MS - MINUTE_MS, FIRST_BUCKET_MS), []);
        // Rolled up into 4-minute steps from the window's start: 7 minutes make a whole step and a part.
        const rolled = sorted(await store.readMetricRecords(start, end, undefined, 4 * MINUTE_MS));
        assert.deepEqual(rolled, expectedRecords(records, start, end, {}, 4 * MINUTE_MS));
        assert.deepEqual([...new Set(rolled.map((record) => record.bucketStartMs))].sort(), [start, start + 4 * MINUTE_MS]);
        const oneStep = { service: SERVICES[2]! };
        assert.deepEqual(sorted(await store.readMetricRecords(start, end, oneStep, 7 * MINUTE_MS)), expectedRecords(records, start, end, oneStep, 7 * MINUTE_MS), 'one step for the window');
      } finally {
        await store.close();
      }
    });

    test('writing the same bucket again adds to it; latency sums past 2^53 ns come back exact', async () => {
      const store = await options.newStore();
      try {
        const record: MetricRecord = {
          bucketStartMs: FIRST_BUCKET_MS,
          account: 'a',
          accountLabel: 'A',
          service: 's',
          operation: 'o',
          measurements: { count: 3, errors: 1, faults: 1, throttles: 1, latencySumNanos: 2n ** 62n, latency: { buckets: [0, 2_206], counts: [1, 2] } },
        };
        await store.writeMetricRecords([record]);
        assert.deepEqual(await store.readMetricRecords(FIRST_BUCKET_MS, FIRST_BUCKET_MS + 1), [record]);
        const again = { ...record, measurements: { ...record.measurements, latencySumNanos: 5n } };
        await store.writeMetricRecords([again]);
        const [read] = await store.readMetricRecords(FIRST_BUCKET_MS, FIRST_BUCKET_MS + 1);
        assert.equal(read!.measurements.count, 6);
        assert.equal(read!.measurements.latencySumNanos, 2n ** 62n + 5n);
        assert.deepEqual(read!.measurements.latency, { buckets: [0, 2_206], counts: [2, 4] });
      } finally {
        await store.close();
      }
    });
  });
}
