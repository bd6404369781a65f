import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatShare, topCriticalSpans } from './critical-summary.ts';
import { buildWaterfall } from './waterfall-model.ts';
import { testSpan, testTraceOutline } from './test-trace.ts';

describe('topCriticalSpans', () => {
  // The on-call trace in small: a checkout whose payments call waits 8.5 s on Stripe.
  const trace = buildWaterfall(
    testTraceOutline([
      testSpan('1', null, 0, 9_200, { resource: { serviceName: 'checkout', attributes: {} } }),
      testSpan('2', '1', 100, 300, { resource: { serviceName: 'pricing', attributes: {} } }),
      testSpan('3', '1', 400, 9_100, { resource: { serviceName: 'payments', attributes: {} }, name: 'POST /charges' }),
      testSpan('4', '3', 500, 9_000, { resource: { serviceName: 'payments', attributes: {} }, name: 'Stripe API call' }),
    ]),
  );

  it('names the span that held the trace, with its share', () => {
    const [first, ...rest] = topCriticalSpans(trace.spans, trace.criticalPathNanos, 3);
    assert.deepEqual({ ...first, share: Math.round(first!.share * 100) }, { index: 3, serviceName: 'payments', name: 'Stripe API call', count: 1, criticalNanos: 8_500e6, share: 92 });
    assert.equal(rest.length, 2);
    assert.ok(rest[0]!.criticalNanos >= rest[1]!.criticalNanos);
  });

  it('keeps at most the limit, most first', () => {
    const all = topCriticalSpans(trace.spans, trace.criticalPathNanos, 10);
    assert.deepEqual(
      all.map((entry) => entry.criticalNanos),
      [...all.map((entry) => entry.criticalNanos)].sort((a, b) => b - a),
    );
    assert.equal(topCriticalSpans(trace.spans, trace.criticalPathNanos, 1).length, 1);
  });
});

describe('topCriticalSpans of repeated calls', () => {
  // A cart page calling GET /item 100 times in a row, 50 ms each: no one call matters, all of them do.
  const spans = [testSpan('1', null, 0, 5_100, { resource: { serviceName: 'cart', attributes: {} } }), testSpan('2', '1', 5_010, 5_090, { name: 'render' })];
  for (let i = 0; i < 100; i++) spans.push(testSpan((0x100 + i).toString(16), '1', i * 50, i * 50 + 50, { name: 'GET /item', resource: { serviceName: 'inventory', attributes: {} } }));
  const trace = buildWaterfall(testTraceOutline(spans));

  it('names the operation once, with how many of its spans held the trace and their whole share', () => {
    const [first] = topCriticalSpans(trace.spans, trace.criticalPathNanos, 3);
    assert.equal(first!.name, 'GET /item');
    assert.equal(first!.count, 100);
    assert.equal(first!.criticalNanos, 5_000e6);
    assert.equal(Math.round(first!.share * 100), 98);
    assert.equal(trace.spans[first!.index]!.name, 'GET /item', 'selecting it opens one of them');
  });
});

describe('formatShare', () => {
  for (const [share, text] of [[0.92, '92 %'], [1, '100 %'], [0.001, '<1 %'], [0, '0 %']] as const) it(`${share} → ${text}`, () => assert.equal(formatShare(share), text));
});
