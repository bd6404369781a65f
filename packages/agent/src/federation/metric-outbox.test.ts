import { test } from 'node:test';
import assert from 'node:assert/strict';
import { METRIC_RECORDS_PER_HEARTBEAT } from '@stitch/federation';
import { generatedTraffic, isEntrySpan } from '@stitch/metrics';
import { spansToBatch } from '@stitch/model';
import { MetricOutbox } from './metric-outbox.ts';

const account = { id: '444444444444', label: 'payments' };
const requestsIn = (batch: { records: Array<{ measurements: { count: number } }> } | null) => batch?.records.reduce((sum, r) => sum + r.measurements.count, 0) ?? 0;

test('a batch is sent again, under the same id, until central confirms it; what is counted meanwhile goes in the next', () => {
  const outbox = new MetricOutbox(50_000, () => {});
  const first = generatedTraffic(1, { startMs: 1_764_000_000_000, minutes: 5, count: 400, accounts: [account] });
  const second = generatedTraffic(2, { startMs: 1_764_000_000_000, minutes: 5, count: 300, accounts: [account] });
  const entries = (spans: typeof first) => spans.filter((s) => isEntrySpan(s.kind, s.parentSpanId)).length;
  assert.equal(outbox.next(), null, 'nothing counted, nothing sent');

  outbox.addBatch(spansToBatch(first));
  const sent = outbox.next()!;
  assert.equal(requestsIn(sent), entries(first));
  outbox.addBatch(spansToBatch(second));
  assert.equal(outbox.next(), sent, 'not confirmed: the same batch again');
  outbox.confirm('another id');
  assert.equal(outbox.next(), sent, 'a stale confirmation confirms nothing');

  outbox.confirm(sent.batchId);
  const next = outbox.next()!;
  assert.notEqual(next.batchId, sent.batchId);
  assert.equal(requestsIn(next), entries(second), 'counted while the first was unconfirmed, sent once, next');
  outbox.confirm(next.batchId);
  assert.equal(outbox.size, 0);
  assert.equal(outbox.next(), null);
});

test('a heartbeat carries at most its share; past the bound the oldest buckets are dropped and counted', () => {
  // A record per minute and operation: up to 6 operations × 1,200 minutes.
  const operations = ['GET /a', 'GET /b', 'GET /c', 'GET /d', 'GET /e', 'GET /f'];
  const spans = generatedTraffic(3, { startMs: 1_764_000_000_000, minutes: 1_200, count: 20_000, accounts: [account], services: ['payments'], operations });
  const messages: string[] = [];
  const outbox = new MetricOutbox(1_000, (message) => messages.push(message));
  outbox.addBatch(spansToBatch(spans));
  assert.ok(outbox.size <= 1_000 && outbox.droppedRecords > 0, `${outbox.size} held, ${outbox.droppedRecords} dropped`);
  assert.match(messages[0]!, /oldest records dropped/);
  const held = outbox.next()!.records;
  const newestBucket = Math.max(...spans.map((s) => Math.floor(Number(s.startTimeUnixNano / 1_000_000n) / 60_000) * 60_000));
  assert.equal(Math.max(...held.map((r) => r.bucketStartMs)), newestBucket, 'the newest are kept');

  const big = new MetricOutbox(100_000, () => {});
  big.addBatch(spansToBatch(spans));
  const total = big.size;
  assert.ok(total > METRIC_RECORDS_PER_HEARTBEAT);
  assert.equal(big.next()!.records.length, METRIC_RECORDS_PER_HEARTBEAT);
  assert.equal(big.size, total, 'the rest still held');
});
