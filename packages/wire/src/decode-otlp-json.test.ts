import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchToSpans } from '@stitch/model';
import { decodeOtlpTraces } from './decode-otlp.ts';
import { WireError } from './wire-error.ts';

const account = { id: '222222222222', label: 'checkout' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const request = (spans: unknown[], resourceAttributes: unknown[] = [{ key: 'service.name', value: { stringValue: 'pricing' } }]) => ({
  resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'manual', version: '2' }, spans }] }],
});
const span = (overrides: Record<string, unknown> = {}) => ({
  traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
  spanId: '00F067AA0BA902B7',
  name: 'GET /quotes',
  kind: 2,
  startTimeUnixNano: '1764000000000000001',
  endTimeUnixNano: 1764000000500000000,
  ...overrides,
});

test('OTLP/JSON: hex ids in any case, 64-bit times as strings or numbers, enums as numbers or names', () => {
  const { batch, rejected } = decodeOtlpTraces(
    json(request([span({ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'boom' }, attributes: [{ key: 'http.status_code', value: { intValue: '503' } }, { key: 'big', value: { intValue: '9007199254740993' } }, { key: 'ratio', value: { doubleValue: 'NaN' } }] })])),
    'json',
    account,
  );
  assert.deepEqual(rejected, []);
  const [decoded] = batchToSpans(batch);
  assert.equal(decoded!.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(decoded!.startTimeUnixNano, 1764000000000000001n);
  assert.equal(decoded!.kind, 'client');
  assert.deepEqual(decoded!.status, { code: 'error', message: 'boom' });
  assert.equal(decoded!.http.statusCode, 503);
  assert.equal(decoded!.attributes.big, '9007199254740993', 'beyond 2^53 stays exact');
  assert.equal(decoded!.resource.serviceName, 'pricing');
  assert.deepEqual(decoded!.account, account, 'the account comes from the transport');
});

test('OTLP/JSON: an account named in the payload does not change the account', () => {
  const { batch } = decodeOtlpTraces(json(request([span()], [{ key: 'cloud.account.id', value: { stringValue: '999999999999' } }])), 'json', account);
  assert.deepEqual(batchToSpans(batch)[0]!.account, account);
  assert.equal(batchToSpans(batch)[0]!.resource.serviceName, 'unknown_service');
});

test('OTLP/JSON: bad spans are refused one by one with the field at fault', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ traceId: 'xyz' }, /^traceId: "xyz" is not 32 hex/],
    [{ traceId: '0'.repeat(32) }, /^traceId/],
    [{ spanId: undefined }, /^spanId: missing/],
    [{ parentSpanId: 'abc' }, /^parentSpanId/],
    [{ startTimeUnixNano: undefined }, /^startTimeUnixNano/],
    [{ startTimeUnixNano: 'soon' }, /^startTimeUnixNano/],
    [{ endTimeUnixNano: '5' }, /^endTimeUnixNano/],
  ];
  const { batch, rejected } = decodeOtlpTraces(json(request([span(), ...cases.map(([overrides]) => span(overrides))])), 'json', account);
  assert.equal(batch.length, 1);
  assert.deepEqual(rejected.map((r) => r.index), cases.map((_, i) => i + 1));
  cases.forEach(([, reason], i) => assert.match(rejected[i]!.reason, reason));
});

test('OTLP/JSON: a body of the wrong shape is refused as a whole, naming the path', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ resourceSpans: 'nope' }, /^resourceSpans:/],
    [{ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 7 }] }] }] }, /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name:/],
    [{ resourceSpans: [{ scopeSpans: [{ spans: [span({ kind: 'SIDEWAYS' })] }] }] }, /kind/],
  ];
  for (const [body, message] of bad) assert.throws(() => decodeOtlpTraces(json(body), 'json', account), (error: Error) => error instanceof WireError && message.test(error.message));
  assert.throws(() => decodeOtlpTraces(Buffer.from('{"resourceSpans": ['), 'json', account), /JSON: body is not valid JSON/);
});
