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
    assert.deepEqual({ ...first, share: Math.round(first!.share * 100) }, { index: 3, serviceName: 'payments', name: 'Stripe API call', criticalNanos: 8_500e6, share: 92 });
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

describe('formatShare', () => {
  for (const [share, text] of [[0.92, '92 %'], [1, '100 %'], [0.001, '<1 %'], [0, '0 %']] as const) it(`${share} → ${text}`, () => assert.equal(formatShare(share), text));
});
