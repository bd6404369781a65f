import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonLinesLogs } from './json-lines-logs.ts';
import { logsToOtlpJson } from './logs-to-otlp.ts';
import { decodeOtlpLogs } from './decode-otlp-logs.ts';

const account = { id: '444444444444', label: 'payments' };
const received = 1_900_000_009_000_000_000n;

test('JSON lines: the usual field names of loggers, X-Ray trace ids, every other field an attribute; bad lines refused with their number', () => {
  const text = [
    '{"time":"2030-03-17T17:46:40.123456Z","level":"warn","msg":"slow Stripe","trace_id":"1-5f84c7a1-abababababababababababab","span_id":"0123456789ABCDEF","service":"payments","attempt":3,"tags":["a","b"],"req":{"id":7}}',
    '',
    '{"timestamp":1900000000123,"severity":"ERROR","message":"boom","traceId":"5F84C7A1ABABABABABABABABABABABAB"}',
    '{"ts":1900000000.5,"level":50}',
    'not json',
    '[1,2]',
    '{"time":"yesterday","msg":"x"}',
    '{"level":"loud","msg":"x"}',
    '{"trace_id":"1-xyz","msg":"x"}',
    '{"span_id":42,"msg":"x"}',
    '{"msg":"no time: the receiving time","Root":"kept"}',
  ].join('\n');
  const { records, rejected } = parseJsonLinesLogs(text, account, received);
  assert.deepEqual(
    rejected.map((r) => [r.line, r.reason.split(':')[0]]),
    [
      [5, 'line'],
      [6, 'line'],
      [7, 'time'],
      [8, 'level'],
      [9, 'trace_id'],
      [10, 'span_id'],
    ],
  );
  assert.equal(records.length, 4);
  assert.deepEqual(records[0], {
    timeUnixNano: 1_900_000_000_123_456_000n,
    severityNumber: 13,
    severityText: 'warn',
    body: 'slow Stripe',
    traceId: '5f84c7a1abababababababababababab',
    spanId: '0123456789abcdef',
    serviceName: 'payments',
    attributes: { attempt: 3, tags: ['a', 'b'], req: '{"id":7}' },
    account,
  });
  assert.equal(records[1]!.timeUnixNano, 1_900_000_000_123_000_000n, 'epoch milliseconds');
  assert.equal(records[1]!.severityNumber, 17);
  assert.equal(records[1]!.traceId, '5f84c7a1abababababababababababab', 'the same trace in either spelling');
  assert.equal(records[1]!.serviceName, 'unknown_service');
  assert.equal(records[2]!.timeUnixNano, 1_900_000_000_500_000_000n, 'epoch seconds with a fraction');
  assert.equal(records[2]!.severityNumber, 17, "pino's 50 is an error");
  assert.equal(records[3]!.timeUnixNano, received);
  assert.deepEqual(records[3]!.attributes, { Root: 'kept' });
});

test('records read from JSON lines travel as OTLP/JSON and decode to the same records', () => {
  const { records } = parseJsonLinesLogs('{"time":1900000000000,"level":"info","msg":"a ☕","trace_id":"5f84c7a1abababababababababababab","service":"x","n":1.5}\n{"time":1900000001000,"msg":"b","service":"y"}', account, received);
  const decoded = decodeOtlpLogs(Buffer.from(JSON.stringify(logsToOtlpJson(records))), 'json', account);
  assert.deepEqual(decoded.records, records);
  assert.deepEqual(decoded.rejected, []);
});
