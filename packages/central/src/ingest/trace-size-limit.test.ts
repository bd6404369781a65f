import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, spansToBatch } from '@stitch/model';
import { TraceSizeLimit } from './trace-size-limit.ts';

const spanOf = (trace: number) => makeSpan({ traceId: trace.toString(16).padStart(32, '0') });

test('a trace still growing stays limited while many more other traces pass than are remembered', () => {
  const limit = new TraceSizeLimit(10, 1_000);
  const growing = 999_999;
  let admitted = 0;
  for (let i = 0; i < 5_000; i++) {
    const spans = [spanOf(i)];
    if (i % 100 === 0) spans.push(spanOf(growing));
    const { batch } = limit.admit(spansToBatch(spans), []);
    admitted += batch.traceId.filter((id) => id === spanOf(growing).traceId).length;
  }
  assert.equal(admitted, 10, 'the growing trace got its 10 spans, no more, across 5,000 other traces');
  const { rejected } = limit.admit(spansToBatch([spanOf(growing)]), []);
  assert.match(rejected[0]!.reason, /has reached the limit of 10 spans per trace/);
});
