import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchToSpans, makeSpan, nanos } from '@stitch/model';
import { decodeOtlpTraces } from './decode-otlp.ts';
import { spansToOtlpJson } from './spans-to-otlp.ts';

test('spans survive the trip through OTLP/JSON and the decoder', () => {
  const account = { id: '444444444444', label: 'payments' };
  const spans = [
    makeSpan({ account, attributes: { s: 'x', i: 3, f: 0.5, b: true, list: ['a', 'b'], nums: [1, 2.5] }, status: { code: 'error', message: 'boom' }, kind: 'client', parentSpanId: 'aaaaaaaaaaaaaaaa' }),
    makeSpan({ account, events: [{ name: 'exception', timeUnixNano: nanos(1_764_000_000_000_000_123n), attributes: { 'exception.type': 'E' } }], resource: { serviceName: 'payments', attributes: { 'service.name': 'payments', 'aws.xray.origin': 'AWS::EC2::Instance' } } }),
  ];
  const body = Buffer.from(JSON.stringify(spansToOtlpJson(spans)));
  const { batch, rejected } = decodeOtlpTraces(body, 'json', account);
  assert.deepEqual(rejected, []);
  assert.deepEqual(batchToSpans(batch).sort((a, b) => a.spanId.localeCompare(b.spanId)), [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId)));
});
