import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidSpanId, isValidTraceId } from '@stitch/model';
import { newSpanId, newTraceId, traceHeaders } from './trace-context.ts';

test('a trace id is 8 hex digits of epoch seconds then 24 random ones, valid in both formats', () => {
  const nowMs = Date.UTC(2026, 10, 26, 12, 0, 0, 750);
  const id = newTraceId(nowMs);
  assert.ok(isValidTraceId(id));
  assert.equal(parseInt(id.slice(0, 8), 16), Math.floor(nowMs / 1000));
  assert.notEqual(newTraceId(nowMs), id, 'random part differs');
  assert.ok(isValidTraceId(newTraceId(nowMs, (n) => '0'.repeat(n))), 'never all zero');
  assert.ok(isValidSpanId(newSpanId((n) => '0'.repeat(n))), 'a span id is never all zero');
});

test('the headers carry the same trace id in W3C and X-Ray form, sampled, with the step as parent, marked synthetic', () => {
  const headers = traceHeaders('6920a1b0' + 'c'.repeat(24), 'd'.repeat(16));
  assert.equal(headers.traceparent, `00-6920a1b0${'c'.repeat(24)}-${'d'.repeat(16)}-01`);
  assert.equal(headers['x-amzn-trace-id'], `Root=1-6920a1b0-${'c'.repeat(24)};Parent=${'d'.repeat(16)};Sampled=1`);
  assert.equal(headers.baggage, 'stitch.synthetic=true');
});
