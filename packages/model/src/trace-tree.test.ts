import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceTree } from './trace-tree.ts';
import { makeSpan } from './fixtures.ts';
import { nanos } from './units.ts';

const at = (ms: number) => nanos(1_000_000_000_000_000_000n + BigInt(ms) * 1_000_000n);
const traceId = 'a'.repeat(32);

test('orders spans depth-first with depth and self time', () => {
  const root = makeSpan({ traceId, spanId: '1'.repeat(16), startTimeUnixNano: at(0), endTimeUnixNano: at(100) });
  const late = makeSpan({ traceId, spanId: '3'.repeat(16), parentSpanId: root.spanId, startTimeUnixNano: at(50), endTimeUnixNano: at(90) });
  const early = makeSpan({ traceId, spanId: '2'.repeat(16), parentSpanId: root.spanId, startTimeUnixNano: at(10), endTimeUnixNano: at(60) });
  const grandchild = makeSpan({ traceId, spanId: '4'.repeat(16), parentSpanId: early.spanId, startTimeUnixNano: at(20), endTimeUnixNano: at(30) });

  const tree = buildTraceTree([late, grandchild, root, early]);

  assert.deepEqual(tree.spans.map((s) => [s.span.spanId[0], s.depth]), [['1', 0], ['2', 1], ['4', 2], ['3', 1]]);
  // Children 10–60 and 50–90 overlap: covered 10–90, so 20 ms of the root's 100 ms is its own.
  assert.equal(tree.spans[0]!.selfTimeNanos, 20_000_000n);
  assert.equal(tree.spans[1]!.selfTimeNanos, 40_000_000n);
  assert.deepEqual(tree.roots, [root.spanId]);
});

test('a child running past its parent only counts inside the parent', () => {
  const root = makeSpan({ traceId, spanId: '1'.repeat(16), startTimeUnixNano: at(0), endTimeUnixNano: at(10) });
  const async = makeSpan({ traceId, spanId: '2'.repeat(16), parentSpanId: root.spanId, startTimeUnixNano: at(5), endTimeUnixNano: at(500) });
  const tree = buildTraceTree([root, async]);
  assert.equal(tree.spans[0]!.selfTimeNanos, 5_000_000n);
});

test('spans whose parent is missing become marked roots, cycles do not hang or lose spans', () => {
  const orphan = makeSpan({ traceId, spanId: '5'.repeat(16), parentSpanId: '9'.repeat(16) });
  const loopA = makeSpan({ traceId, spanId: '6'.repeat(16), parentSpanId: '7'.repeat(16) });
  const loopB = makeSpan({ traceId, spanId: '7'.repeat(16), parentSpanId: '6'.repeat(16) });
  const tree = buildTraceTree([orphan, loopA, loopB]);
  assert.equal(tree.spans.length, 3);
  assert.equal(tree.spans.find((s) => s.span === orphan)!.orphan, true);
  assert.equal(tree.spans.find((s) => s.span === orphan)!.depth, 0);
});

test('a duplicated span id is shown once', () => {
  const root = makeSpan({ traceId, spanId: '1'.repeat(16) });
  assert.equal(buildTraceTree([root, { ...root }]).spans.length, 1);
});
