import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInstant, nanos, traceSummaryJson } from '@stitch/model';
import { renderLogLines, sinceToStartMs } from './render-logs.ts';

test('log lines print time, level, account/service, message and where they belong', () => {
  const base = { severityNumber: 17, severityText: 'error', body: 'Stripe timed out\nretrying', traceId: 'ab'.repeat(16), spanId: '0123456789abcdef', serviceName: 'payments', attributes: {}, account: { id: '444', label: 'payments' } };
  const trace = traceSummaryJson({ traceId: base.traceId, rootServiceName: 'edge', rootSpanName: 'POST /checkout', startTimeUnixNano: nanos(1_900_000_000_000_000_000n), durationNanos: nanos(9_200_000_000n), spanCount: 7, services: ['edge'], accounts: ['111'], status: 'fault', errorSpanCount: 1 });
  const text = renderLogLines([
    { ...base, timeUnixNano: '1900000000123000000' },
    { ...base, timeUnixNano: '1900000001000000000', severityText: '', spanId: '', trace },
  ]);
  assert.equal(
    text,
    [
      // The time in local time, as the console writes it (formatInstant; 2030-03-17 17:46:40.123 in UTC).
      `${formatInstant(1_900_000_000_123, true)}  ERROR  payments/payments  Stripe timed out\\nretrying  [span 0123456789abcdef]`,
      `${formatInstant(1_900_000_001_000, true)}  -      payments/payments  Stripe timed out\\nretrying  [trace ${'ab'.repeat(16)} 9.20 s edge POST /checkout FAULT]`,
    ].join('\n'),
  );
  assert.equal(renderLogLines([]), 'no log lines match');
});

test('--since takes s, m, h and d', () => {
  assert.equal(sinceToStartMs('1h', 10_000_000), 10_000_000 - 3_600_000);
  assert.equal(sinceToStartMs('90s', 100_000), 10_000);
  assert.equal(sinceToStartMs('1.5d', 200_000_000), 200_000_000 - 129_600_000);
  assert.equal(sinceToStartMs('soon', 0), null);
});
