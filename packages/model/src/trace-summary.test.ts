import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeTrace } from './trace-summary.ts';
import { traceStatusText } from './trace-status-text.ts';
import { makeSpan } from './fixtures.ts';
import { nanos } from './units.ts';

test('summarises root, duration, services, accounts and errors', () => {
  const traceId = 'b'.repeat(32);
  const root = makeSpan({ traceId, name: 'POST /checkout', startTimeUnixNano: nanos(1000n), endTimeUnixNano: nanos(5000n) });
  const child = makeSpan({
    traceId,
    parentSpanId: root.spanId,
    startTimeUnixNano: nanos(2000n),
    endTimeUnixNano: nanos(9000n),
    resource: { serviceName: 'payments', attributes: {} },
    account: { id: 'acct-payments', label: 'payments' },
    status: { code: 'error', message: 'card declined' },
  });
  const summary = summarizeTrace([child, root])!;
  assert.equal(summary.rootSpanName, 'POST /checkout');
  assert.equal(summary.durationNanos, 8000n);
  assert.deepEqual(summary.services, ['checkout-orchestrator', 'payments']);
  assert.deepEqual(summary.accounts, ['acct-payments', 'local']);
  // The root (what the caller saw) is ok; the payments span's error is counted apart.
  assert.equal(summary.status, 'ok');
  assert.equal(summary.errorSpanCount, 1);
  assert.equal(summary.spanCount, 2);
});

test('without a root span the earliest span stands in; an empty trace has no summary', () => {
  const span = makeSpan({ parentSpanId: 'c'.repeat(16), name: 'late' });
  assert.equal(summarizeTrace([span])!.rootSpanName, 'late');
  assert.equal(summarizeTrace([]), null);
});

describe('a trace\'s status is what its caller saw, errors inside are counted apart', () => {
  const traceId = 'd'.repeat(32);
  const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
  const root = (statusCode: number | null, code: 'unset' | 'error' = 'unset') =>
    makeSpan({ traceId, spanId: '1'.repeat(16), name: 'POST /rides', startTimeUnixNano: at(0), endTimeUnixNano: at(900), http: { method: 'POST', route: '/rides', url: null, statusCode }, status: { code, message: '' } });
  const call = (n: number, statusCode: number) =>
    makeSpan({ traceId, spanId: n.toString(16).padStart(16, '0'), parentSpanId: '1'.repeat(16), name: 'POST /book', startTimeUnixNano: at(10 * n), endTimeUnixNano: at(10 * n + 5), http: { method: 'POST', route: '/book', url: null, statusCode } });
  // A booking retried twice after a 503, then booked: the rider saw a 201.
  const retried = [call(2, 503), call(3, 503), call(4, 201)];
  const errorsIn = (spans: ReturnType<typeof makeSpan>[]) => spans.filter((s) => s.http.statusCode !== null && s.http.statusCode >= 400).length;

  test('retried 503s inside a request that succeeded: ok, contains errors', () => {
    const spans = [root(201), ...retried];
    const summary = summarizeTrace(spans)!;
    assert.equal(summary.status, 'ok');
    assert.equal(summary.errorSpanCount, errorsIn(spans));
  });

  test('a failing root: fault (a 5xx, or an error status without a 4xx)', () => {
    assert.equal(summarizeTrace([root(502), ...retried])!.status, 'fault');
    assert.equal(summarizeTrace([root(null, 'error'), ...retried])!.status, 'fault');
  });

  test('a 404 root: error, even with an error status', () => {
    assert.equal(summarizeTrace([root(404), ...retried])!.status, 'error');
    assert.equal(summarizeTrace([root(404, 'error')])!.status, 'error');
  });

  test('while the root has not arrived: unknown, not a guess from the earliest span', () => {
    const summary = summarizeTrace(retried)!;
    assert.equal(summary.status, 'unknown');
    assert.equal(summary.errorSpanCount, 2);
  });
});

test('the status and the errors inside read distinctly', () => {
  assert.equal(traceStatusText({ status: 'ok', errorSpanCount: 3 }), 'OK · contains 3 errors');
  assert.equal(traceStatusText({ status: 'ok', errorSpanCount: 0 }), 'OK');
  assert.equal(traceStatusText({ status: 'fault', errorSpanCount: 1 }), 'FAULT');
  assert.equal(traceStatusText({ status: 'error', errorSpanCount: 2 }), 'ERROR · contains 2 errors');
  assert.equal(traceStatusText({ status: 'unknown', errorSpanCount: 1 }), 'UNKNOWN · contains 1 error');
});
