import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATENCY_MAX_BUCKET } from '@stitch/graph';
import { generatedTraffic, SpanMetricsAggregator } from '@stitch/metrics';
import { METRIC_NAME_CHARS, METRIC_RECORDS_PER_HEARTBEAT, metricBatchJson, metricRecordJson, metricRecordsAs, metricRecordToJson } from './metric-records.ts';

const payments = { id: '444444444444', label: 'payments' };

/** A valid record as an agent sends it: 3 requests in one minute, one of them a 5xx. */
const sketch = (counts: Record<number, number>) => ({ buckets: Object.keys(counts).map(Number), counts: Object.values(counts) });
const valid = () => ({
  bucketStartMs: 1_764_000_000_000 - (1_764_000_000_000 % 60_000),
  account: payments.id,
  accountLabel: payments.label,
  service: 'payments',
  operation: 'POST /charges',
  measurements: { count: 3, errors: 0, faults: 1, throttles: 0, latencySumNanos: '1500000000', latency: sketch({ 10: 2, 1_400: 1 }) },
});

/** The first issue's path and message, as central's 400 names them. */
function issue(input: unknown): string {
  const result = metricRecordJson.safeParse(input);
  assert.equal(result.success, false, `accepted: ${JSON.stringify(input).slice(0, 200)}`);
  const first = result.error!.issues[0]!;
  return `${first.path.join('.')}: ${first.message}`;
}

test("the aggregator's records travel and come back as they were, filed under the link's account", () => {
  const aggregator = new SpanMetricsAggregator();
  aggregator.addSpans(generatedTraffic(7, { startMs: 1_764_000_000_000, minutes: 10, count: 500, accounts: [payments] }));
  const records = aggregator.drain();
  assert.ok(records.length > 50 && records.some((r) => r.measurements.faults > 0 && r.measurements.errors > 0));
  const travelled = records.map((record) => metricRecordJson.parse(JSON.parse(JSON.stringify(metricRecordToJson(record)))));
  assert.deepEqual(metricRecordsAs(payments, travelled), records);
});

test('a record claiming another account is filed under the link’s account; its account fields are not even read', () => {
  const hostile = { ...valid(), account: '111111111111', accountLabel: 'edge', extra: 'ignored' };
  const [record] = metricRecordsAs(payments, [metricRecordJson.parse(hostile)]);
  assert.equal(record!.account, payments.id);
  assert.equal(record!.accountLabel, payments.label);
  assert.equal('extra' in record!, false);
  // Without any account field at all, the same.
  const { account: _, accountLabel: __, ...bare } = valid();
  assert.equal(metricRecordsAs(payments, [metricRecordJson.parse(bare)])[0]!.account, payments.id);
});

test('garbage records are refused with the field at fault', () => {
  const m = valid().measurements;
  const cases: Array<[unknown, RegExp]> = [
    ['not a record', /^: /],
    [{ ...valid(), bucketStartMs: 1_764_000_000_001 }, /^bucketStartMs: not the start of a 60 s bucket/],
    [{ ...valid(), bucketStartMs: -60_000 }, /^bucketStartMs: /],
    [{ ...valid(), bucketStartMs: 1e20 }, /^bucketStartMs: /],
    [{ ...valid(), service: 42 }, /^service: /],
    [{ ...valid(), measurements: { ...m, count: 0, latency: sketch({}) } }, /^measurements.count: /],
    [{ ...valid(), measurements: { ...m, count: -1 } }, /^measurements.count: /],
    [{ ...valid(), measurements: { ...m, count: 2.5 } }, /^measurements.count: /],
    [{ ...valid(), measurements: { ...m, faults: 4 } }, /^measurements.faults: more than the requests counted/],
    [{ ...valid(), measurements: { ...m, latencySumNanos: 1_500_000_000 } }, /^measurements.latencySumNanos: /],
    [{ ...valid(), measurements: { ...m, latencySumNanos: '-5' } }, /^measurements.latencySumNanos: expected nanoseconds/],
    [{ ...valid(), measurements: { ...m, latencySumNanos: '9007199254740993' } }, /^measurements.latencySumNanos: beyond 2\^53/],
    [{ ...valid(), measurements: { ...m, latencySumNanos: '1'.repeat(40) } }, /^measurements.latencySumNanos: expected nanoseconds/],
    [{ ...valid(), measurements: { ...m, latency: [3] } }, /^measurements.latency: /],
    [{ ...valid(), measurements: { ...m, latency: sketch({ 10: 2 }) } }, /^measurements.latency: does not add up to count/],
    [{ ...valid(), measurements: { ...m, latency: sketch({ 10: 4, 11: -1 }) } }, /^measurements.latency.counts.1: /],
    [{ ...valid(), measurements: { ...m, latency: sketch({ [LATENCY_MAX_BUCKET + 1]: 3 }) } }, /^measurements.latency.buckets.0: /],
    [{ ...valid(), measurements: { ...m, latency: { buckets: [40, 10], counts: [1, 2] } } }, /^measurements.latency.buckets.1: buckets not ascending/],
    [{ ...valid(), measurements: { ...m, latency: { buckets: [10, 40], counts: [3] } } }, /^measurements.latency.counts: not one count per bucket/],
  ];
  for (const [input, message] of cases) assert.match(issue(input), message);
});

test('oversized: names past the limit and batches past the per-heartbeat count are refused; an agent cuts names before sending', () => {
  const long = 'x'.repeat(METRIC_NAME_CHARS + 1);
  assert.match(issue({ ...valid(), operation: long }), /^operation: /);
  assert.match(issue({ ...valid(), service: long }), /^service: /);
  // A span name can be a whole SQL statement: cut, and never between the halves of a surrogate pair.
  const aggregated = { ...metricRecordsAs(payments, [metricRecordJson.parse(valid())])[0]!, operation: `${'x'.repeat(METRIC_NAME_CHARS - 1)}😀 FROM orders` };
  assert.equal(metricRecordJson.parse(metricRecordToJson(aggregated)).operation, 'x'.repeat(METRIC_NAME_CHARS - 1));

  const batch = (count: number) => ({ batchId: 'b-1', records: Array.from({ length: count }, valid) });
  assert.equal(metricBatchJson.safeParse(batch(METRIC_RECORDS_PER_HEARTBEAT)).success, true);
  const over = metricBatchJson.safeParse(batch(METRIC_RECORDS_PER_HEARTBEAT + 1));
  assert.deepEqual(over.error?.issues[0]?.path, ['records']);
  for (const batchId of ['', 'a'.repeat(65), 'id with spaces', "x'; DROP"]) {
    assert.deepEqual(metricBatchJson.safeParse({ batchId, records: [] }).error?.issues[0]?.path, ['batchId'], batchId);
  }
});
