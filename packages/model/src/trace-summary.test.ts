import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeTrace } from './trace-summary.ts';
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
  assert.equal(summary.hasError, true);
  assert.equal(summary.spanCount, 2);
});

test('without a root span the earliest span stands in; an empty trace has no summary', () => {
  const span = makeSpan({ parentSpanId: 'c'.repeat(16), name: 'late' });
  assert.equal(summarizeTrace([span])!.rootSpanName, 'late');
  assert.equal(summarizeTrace([]), null);
});
