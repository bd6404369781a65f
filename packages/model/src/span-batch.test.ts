import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan } from './fixtures.ts';
import { batchToSpans, concatBatches, spansToBatch } from './span-batch.ts';
import { nanos } from './units.ts';

const rich = makeSpan({
  parentSpanId: 'ab'.repeat(8),
  traceState: 'k=v',
  startTimeUnixNano: nanos(1_764_000_000_123_456_789n),
  endTimeUnixNano: nanos(1_764_000_009_000_000_001n),
  status: { code: 'error', message: 'boom' },
  http: { method: 'GET', route: '/a/:id', url: 'http://x/a/1', statusCode: 503 },
  attributes: { s: 'x', n: 1.5, b: true, list: ['a', 'b'] },
  events: [{ name: 'exception', timeUnixNano: nanos(1_764_000_001_000_000_001n), attributes: { 'exception.type': 'E' } }],
  links: [{ traceId: 'cd'.repeat(16), spanId: 'ef'.repeat(8), traceState: '', attributes: { why: 'retry' } }],
});

test('spans survive the columnar form exactly, nanoseconds included', () => {
  const plain = makeSpan();
  assert.deepEqual(batchToSpans(spansToBatch([rich, plain])), [rich, plain]);
  assert.deepEqual(spansToBatch([rich, plain]).hasError, [true, false]);
});

test('batches concatenate in order', () => {
  const a = makeSpan();
  const b = makeSpan();
  const c = makeSpan();
  const joined = concatBatches([spansToBatch([a, b]), spansToBatch([]), spansToBatch([c])]);
  assert.equal(joined.length, 3);
  assert.deepEqual(batchToSpans(joined), [a, b, c]);
});
