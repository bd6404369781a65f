import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWaterfall } from './waterfall-model.ts';
import { testSpan, testTraceOutline } from './test-trace.ts';

// root 0–100 ms ─┬─ a 10–60 ─── a1 20–50
//                └─ b 70–90
// plus an orphan 5–8 whose parent never arrived, and a consumer ending after the root.
const spans = [
  testSpan('1', null, 0, 100),
  testSpan('2', '1', 10, 60, { status: { code: 'error', message: 'boom' } }),
  testSpan('3', '2', 20, 50),
  testSpan('4', '1', 70, 90),
  testSpan('5', 'ff', 5, 8),
  testSpan('6', '4', 85, 120),
];

describe('buildWaterfall', () => {
  const trace = buildWaterfall(testTraceOutline(spans));
  const byId = (id: string) => trace.spans[trace.indexById.get(id.padStart(16, '0'))!]!;

  it('keeps the tree order, with parents, children and subtree ends', () => {
    assert.deepEqual(
      trace.spans.map((span) => [span.spanId.replace(/^0+/, ''), span.depth, span.parentIndex, span.childIndexes, span.subtreeEnd]),
      [
        ['1', 0, -1, [1, 3], 5],
        ['2', 1, 0, [2], 3],
        ['3', 2, 1, [], 3],
        ['4', 1, 0, [4], 5],
        ['6', 2, 3, [], 5],
        ['5', 0, -1, [], 6],
      ],
    );
  });

  it('measures from the earliest start to the latest end', () => {
    assert.equal(trace.durationNanos, 120e6);
    assert.equal(byId('3').startOffsetNanos, 20e6);
    assert.equal(byId('3').durationNanos, 30e6);
  });

  it('marks errors, orphans and kinds, and carries each span its critical stretches', () => {
    assert.equal(byId('2').error, true);
    assert.equal(byId('3').error, false);
    assert.deepEqual(trace.spans.filter((span) => span.orphan).map((span) => span.spanId), ['5'.padStart(16, '0')]);
    assert.equal(byId('1').kind, 'server');
    assert.equal(byId('1').serviceName, spans[0]!.resource.serviceName);
    const consumer = byId('6');
    assert.equal(consumer.critical, true);
    assert.deepEqual(consumer.criticalRanges, [[85e6, 120e6]]);
    const covered = trace.spans.flatMap((span) => span.criticalRanges).reduce((sum, [from, to]) => sum + (to - from), 0);
    assert.equal(covered, trace.spans.reduce((sum, span) => sum + span.criticalNanos, 0));
  });

  it('handles an empty trace', () => {
    const columns = { spanId: [], depth: [], name: [], service: [], kind: [], startNanos: [], durationNanos: [], selfTimeNanos: [], criticalNanos: [], flags: [] };
    const empty = buildWaterfall({ ...testTraceOutline(spans), spans: columns, criticalPath: { totalNanos: '0', gapNanos: '0', segments: [] } });
    assert.deepEqual(empty.spans, []);
    assert.equal(empty.durationNanos, 0);
  });
});
