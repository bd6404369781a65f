import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricRecord } from '@stitch/metrics';
import { sloStatus } from '@stitch/metrics';
import type { UsageRow } from '@stitch/model';
import { expectedSlowLogs, LOG_LINES_PER_TRACE, loggedTraces, operationKey, SLO_SERVICE, SLO_THRESHOLD_MS, writeMinuteRecords, writeUsageDays } from './telemetry-data.ts';

const END_MS = Date.UTC(2026, 10, 26, 12, 0);

test('minute records: 30 series a minute, and the expected counts are those the records hold', async () => {
  const written: MetricRecord[] = [];
  const expected = await writeMinuteRecords(END_MS, 1, 7, async (records) => void written.push(...records));
  assert.equal(written.length, 30 * 1_440);
  assert.equal(expected.records, written.length);
  assert.ok(written.every((r) => r.bucketStartMs >= END_MS - 86_400_000 && r.bucketStartMs < END_MS && r.bucketStartMs % 60_000 === 0));
  const sum = (filter: (r: MetricRecord) => boolean) => written.filter(filter).reduce((n, r) => n + r.measurements.count, 0);
  assert.equal(expected.byService.size, 5);
  assert.equal(expected.byOperation.size, 15);
  for (const [service, count] of expected.byService) assert.equal(count, sum((r) => r.service === service));
  assert.equal(expected.byOperation.get(operationKey('payments', 'GET /cart')), sum((r) => r.service === 'payments' && r.operation === 'GET /cart'));
  // The SLO's good count from the histograms (as central computes it) equals the count of fast requests generated.
  const slo = { id: 's', name: 's', selector: { service: SLO_SERVICE }, objective: { kind: 'latency' as const, thresholdMs: SLO_THRESHOLD_MS }, target: 0.99, windowDays: 30 as const };
  const status = sloStatus(slo, written.filter((r) => r.service === SLO_SERVICE), END_MS + 60_000);
  assert.equal(status.total, expected.slo.total);
  assert.equal(status.good, expected.slo.good);
  assert.ok(expected.slo.good < expected.slo.total, 'some requests are slow');
});

test('usage days: one row per flush, account and service, every day of the window', async () => {
  const written: UsageRow[] = [];
  const expected = await writeUsageDays('2026-11-26', 30, 4, 3, async (rows) => void written.push(...rows));
  assert.equal(written.length, 30 * 4 * 10);
  assert.deepEqual([expected.days[0], expected.days.at(-1), expected.days.length], ['2026-10-28', '2026-11-26', 30]);
  assert.equal(expected.tracesRecorded, written.reduce((n, r) => n + r.tracesRecorded, 0));
  assert.equal(expected.spans, written.reduce((n, r) => n + r.spans, 0));
  assert.ok(written.every((r) => expected.days.includes(r.day) && r.firstSeenMs !== null && new Date(r.firstSeenMs).toISOString().startsWith(r.day)));
});

test('logged traces: slow means longer than 2 s, five lines inside each trace, and the slow-logs answer is capped', () => {
  const traces = loggedTraces(2_000, END_MS - 3_600_000, 5);
  for (const trace of traces) {
    const root = trace.spans.find((s) => s.parentSpanId === null)!;
    const durationMs = Number(root.endTimeUnixNano - root.startTimeUnixNano) / 1e6;
    assert.equal(trace.slow, durationMs > 2_000);
    assert.equal(trace.logs.length, LOG_LINES_PER_TRACE);
    assert.ok(trace.logs.every((l) => l.traceId === trace.traceId && l.timeUnixNano >= root.startTimeUnixNano && l.timeUnixNano <= root.endTimeUnixNano));
    assert.ok(root.startTimeUnixNano >= BigInt(END_MS - 3_600_000) * 1_000_000n && root.startTimeUnixNano < BigInt(END_MS) * 1_000_000n);
  }
  const slow = traces.filter((t) => t.slow).length;
  assert.ok(slow > 5 && slow < 60, `${slow} slow traces of 2,000`);
  assert.deepEqual({ ...expectedSlowLogs(traces, 1000, 1000), traceIds: null }, { matchedTraces: slow, logs: slow * 5, traceIds: null });
  assert.equal(expectedSlowLogs(traces, 3, 1000).logs, 15);
  assert.equal(expectedSlowLogs(traces, 1000, 10).logs, 10);
  assert.equal(new Set(traces.map((t) => t.traceId)).size, traces.length);
});
