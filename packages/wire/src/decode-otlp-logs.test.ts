import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOtlpLogs, encodeOtlpLogsProtobuf } from './decode-otlp-logs.ts';
import { WireError } from './wire-error.ts';

const account = { id: '222222222222', label: 'checkout' };
const traceId = '5f84c7a1' + 'ab'.repeat(12);
const spanId = '0123456789abcdef';

/** One request in OTLP/JSON's spelling: hex ids, decimal-string times. */
const jsonRequest = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }, { key: 'cloud.account.id', value: { stringValue: '999999999999' } }] },
      scopeLogs: [
        {
          scope: { name: 'pino' },
          logRecords: [
            { timeUnixNano: '1900000000123456789', severityNumber: 17, severityText: 'ERROR', body: { stringValue: 'Stripe timed out' }, traceId, spanId, attributes: [{ key: 'attempt', value: { intValue: '2' } }] },
            { observedTimeUnixNano: '1900000001000000000', severityNumber: 'SEVERITY_NUMBER_WARN2', body: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } } },
            { timeUnixNano: '1900000002000000000', traceId: 'not-hex', body: { stringValue: 'refused' } },
            { body: { stringValue: 'no time at all' } },
            { timeUnixNano: '1900000003000000000', severityNumber: 99 },
          ],
        },
      ],
    },
  ],
};

/** The same request as protobuf: ids as bytes. */
const protobufRequest = {
  resourceLogs: [
    {
      ...jsonRequest.resourceLogs[0]!,
      scopeLogs: [
        {
          scope: { name: 'pino' },
          logRecords: jsonRequest.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((r, i) => ({
            ...r,
            ...(r.traceId && i === 0 ? { traceId: Buffer.from(r.traceId, 'hex'), spanId: Buffer.from(r.spanId!, 'hex') } : {}),
            ...(i === 2 ? { traceId: Buffer.from('abcd', 'hex') } : {}),
            ...(i === 1 ? { severityNumber: 14 } : {}),
          })),
        },
      ],
    },
  ],
};

for (const [format, body] of [
  ['json', Buffer.from(JSON.stringify(jsonRequest))],
  ['protobuf', Buffer.from(encodeOtlpLogsProtobuf(protobufRequest))],
] as const) {
  test(`OTLP ${format}: records keep their time, severity, body, ids and service; the transport's account wins; bad records are refused one by one`, () => {
    const { records, rejected } = decodeOtlpLogs(body, format, account);
    assert.equal(records.length, 2);
    const [first, second] = records;
    assert.deepEqual(first, {
      timeUnixNano: 1_900_000_000_123_456_789n,
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'Stripe timed out',
      traceId,
      spanId,
      serviceName: 'payments',
      attributes: { attempt: 2 },
      account,
    });
    assert.equal(second!.timeUnixNano, 1_900_000_001_000_000_000n, 'the observed time stands in');
    assert.equal(second!.severityNumber, 14);
    assert.equal(second!.severityText, 'WARN');
    assert.equal(second!.body, '{"a":true}');
    assert.deepEqual(
      rejected.map((r) => [r.index, r.reason.split(':')[0]]),
      [
        [2, 'traceId'],
        [3, 'timeUnixNano'],
        [4, 'severityNumber'],
      ],
    );
  });
}

test('a body that is not OTLP is refused whole, naming the field', () => {
  const refusal = (body: string | Uint8Array, format: 'json' | 'protobuf') => {
    try {
      decodeOtlpLogs(typeof body === 'string' ? Buffer.from(body) : body, format, account);
    } catch (error) {
      assert.ok(error instanceof WireError);
      return error.message;
    }
    return 'accepted';
  };
  assert.match(refusal('{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": 5}]}]}]}', 'json'), /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body: /);
  assert.match(refusal('{"resourceLogs": "x"}', 'json'), /^resourceLogs: /);
  assert.match(refusal('not json', 'json'), /^JSON: /);
  assert.match(refusal('[' .repeat(100_000), 'json'), /^JSON: /);
  assert.match(refusal(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf'), /^protobuf: /);
  assert.deepEqual(decodeOtlpLogs(Buffer.from('{}'), 'json', account).records, []);
});

test('a body and attributes past the limits are cut, and the record says so', () => {
  const long = 'x'.repeat(40_000);
  const { records, limitedRecords } = decodeOtlpLogs(Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: { stringValue: long } }] }] }] })), 'json', account);
  assert.equal(limitedRecords, 1);
  assert.equal(records[0]!.body.length, 32_768);
  assert.equal(records[0]!.attributes['stitch.limited_attributes'], 1);
  assert.equal(records[0]!.serviceName, 'unknown_service');
});
