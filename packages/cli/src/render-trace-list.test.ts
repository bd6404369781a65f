import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSummaryJson } from '@stitch/model';
import { renderTraceList } from './render-trace-list.ts';

const NOW = Date.UTC(2026, 11, 7, 22, 0, 0);

function trace(traceId: string, agoMs: number, durationMs: number, status: TraceSummaryJson['status'], accounts: string[]): TraceSummaryJson {
  return { traceId, rootServiceName: 'checkout', rootSpanName: 'POST /checkout', startTimeUnixNano: String(BigInt(NOW - agoMs) * 1_000_000n), durationNanos: String(BigInt(durationMs) * 1_000_000n), durationMs, spanCount: 17, services: ['checkout'], accounts, status, errorSpanCount: 0 };
}

test('`stitch search`: 2 of 5 traces, newest first, the one still arriving last and marked, accounts by label', () => {
  const arriving = trace('a'.repeat(32), 1_000, 90, 'unknown', ['222222222222']);
  const older = trace('b'.repeat(32), 180_000, 8_100, 'fault', ['222222222222', '444444444444']);
  const text = renderTraceList({ traces: [arriving, older], histogram: { total: 5, buckets: [{ fromMs: 5_000, toMs: 10_000, count: 5 }] }, query: { q: '', start: '0', end: '0', limit: 2 } }, new Map([['222222222222', 'checkout']]), NOW);
  const lines = text.split('\n');
  assert.match(lines[0]!, /^2 of 5 traces match \(narrow the filter or the time range, or raise --limit, to see the rest\); durations:$/);
  const rows = lines.filter((line) => /[ab]{32}/.test(line));
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /3 min ago +8\.1 s +17 +b{32} +checkout: POST \/checkout +FAULT +checkout, 444444444444$/);
  assert.match(rows[1]!, /1 s ago +90 ms .*a{32} .*still arriving, no root yet +checkout$/);
});

test('`stitch search` with nothing to list says so', () => {
  assert.equal(renderTraceList({ traces: [], histogram: { total: 0, buckets: [] }, query: { q: '', start: '0', end: '0', limit: 20 } }, new Map(), NOW), 'no traces match');
});
