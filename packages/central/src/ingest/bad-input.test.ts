import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { encodeOtlpProtobuf } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';

const now = BigInt(Date.now()) * 1_000_000n;
const hexBytes = (hex: string) => Buffer.from(hex, 'hex');

function otlpSpan(overrides: Record<string, unknown> = {}) {
  return { traceId: hexBytes('4bf92f3577b34da6a3ce929d0e0e4736'), spanId: hexBytes('00f067aa0ba902b7'), name: 'GET /x', kind: 2, startTimeUnixNano: now.toString(), endTimeUnixNano: (now + 1000n).toString(), ...overrides };
}

function request(spans: unknown[]) {
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hostile' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] };
}

/** A span whose one attribute is an array in an array in … `depth` times, built from the inside out. */
function nestedProtobuf(depth: number): Uint8Array {
  const field = (number: number, payload: Buffer) => Buffer.concat([Buffer.from([(number << 3) | 2]), varint(payload.length), payload]);
  let value = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) value = field(5, field(1, value)); // AnyValue.array_value { values: AnyValue }
  const span = Buffer.concat([field(1, hexBytes('4bf92f3577b34da6a3ce929d0e0e4736')), field(2, hexBytes('00f067aa0ba902b7')), field(9, Buffer.concat([field(1, Buffer.from('k')), field(2, value)]))]);
  return field(1, field(2, field(2, span)));
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

describe('bad input gets a clear 4xx, the server keeps serving, nothing is half-stored', () => {
  let central: TestCentral;
  before(async () => {
    central = await startTestCentral({ maxBodyBytes: 1024 * 1024 });
  });
  after(() => central.stop());

  const post = (body: Uint8Array | string, headers: Record<string, string>) => fetch(`${central.url}/v1/traces`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  const protobuf = { 'content-type': 'application/x-protobuf' };
  const json = { 'content-type': 'application/json' };

  async function expectRefused(response: Response, status: number, messagePattern: RegExp): Promise<void> {
    const text = await response.text();
    assert.equal(response.status, status, text);
    assert.match(text, messagePattern);
    const health = await fetch(`${central.url}/api/health`);
    assert.equal(health.status, 200, 'central still answers after refusing bad input');
  }

  async function traceCount(traceId: string): Promise<number> {
    const response = await fetch(`${central.url}/api/traces/${traceId}`);
    if (response.status === 404) return 0;
    return (await response.json()).spans.length;
  }

  const cases: Array<{ name: string; body: () => Uint8Array | string; headers: Record<string, string>; status: number; message: RegExp }> = [
    { name: 'random bytes as protobuf', body: () => Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02]), headers: protobuf, status: 400, message: /./ },
    { name: 'truncated protobuf', body: () => encodeOtlpProtobuf(request([otlpSpan()])).slice(0, 40), headers: protobuf, status: 400, message: /./ },
    { name: 'invalid JSON', body: () => '{"resourceSpans": [', headers: json, status: 400, message: /JSON/i },
    { name: 'JSON of the wrong shape', body: () => JSON.stringify({ resourceSpans: 'nope' }), headers: json, status: 400, message: /resourceSpans/ },
    { name: 'a wrong content type', body: () => 'hello', headers: { 'content-type': 'text/plain' }, status: 415, message: /content-type/ },
    { name: 'no content type', body: () => 'hello', headers: {}, status: 415, message: /content-type/ },
    { name: 'an unsupported content encoding', body: () => 'x', headers: { ...json, 'content-encoding': 'br' }, status: 415, message: /content-encoding/ },
    { name: 'gzip header with plain bytes', body: () => '{"resourceSpans":[]}', headers: { ...json, 'content-encoding': 'gzip' }, status: 400, message: /gzip/ },
    { name: 'a span id of the wrong length', body: () => encodeOtlpProtobuf(request([otlpSpan({ spanId: hexBytes('00f067aa0b') })])), headers: protobuf, status: 400, message: /spanId/ },
    { name: 'a missing trace id', body: () => encodeOtlpProtobuf(request([otlpSpan({ traceId: Buffer.alloc(0) })])), headers: protobuf, status: 400, message: /traceId/ },
    { name: 'an all-zero trace id', body: () => encodeOtlpProtobuf(request([otlpSpan({ traceId: Buffer.alloc(16) })])), headers: protobuf, status: 400, message: /traceId/ },
    { name: 'end before start', body: () => encodeOtlpProtobuf(request([otlpSpan({ endTimeUnixNano: (now - 5n).toString() })])), headers: protobuf, status: 400, message: /end/i },
    {
      name: 'JSON ids of the wrong length',
      body: () => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'abc', spanId: '00f067aa0ba902b7', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] }),
      headers: json,
      status: 400,
      message: /traceId/,
    },
    {
      name: 'JSON values nested 30,000 deep',
      body: () => `{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":${'{"arrayValue":{"values":['.repeat(30_000)}${']}}'.repeat(30_000)}}]}]}]}]}`,
      headers: json,
      status: 400,
      message: /nested|JSON/,
    },
    {
      name: 'protobuf values nested 20,000 deep',
      body: () => nestedProtobuf(20_000),
      headers: protobuf,
      status: 400,
      // The unreadable attribute is left out (the agent's check skips attributes whole); the span, without a start, is refused.
      message: /startTimeUnixNano/,
    },
    { name: 'a body over the limit', body: () => Buffer.alloc(1024 * 1024 + 10, 1), headers: protobuf, status: 413, message: /limit/ },
    { name: 'a gzip bomb', body: () => gzipSync(Buffer.alloc(64 * 1024 * 1024)), headers: { ...protobuf, 'content-encoding': 'gzip' }, status: 413, message: /decompressed/ },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      await expectRefused(await post(c.body(), c.headers), c.status, c.message);
    });
  }

  test('a refused batch stores none of its spans', async () => {
    const good = otlpSpan({ traceId: hexBytes('11111111111111111111111111111111') });
    const bad = otlpSpan({ traceId: hexBytes('11111111111111111111111111111111'), spanId: hexBytes('0000000000000001'), endTimeUnixNano: '1' });
    const truncated = encodeOtlpProtobuf(request([good, bad])).slice(0, -3);
    await expectRefused(await post(truncated, protobuf), 400, /./);
    assert.equal(await traceCount('11111111111111111111111111111111'), 0);
  });

  test('a batch with some bad spans stores the good ones and says exactly which were rejected (partial_success)', async () => {
    const traceId = '22222222222222222222222222222222';
    const response = await fetch(`${central.url}/v1/traces`, { method: 'POST', headers: json, body: JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [
        { traceId, spanId: '00f067aa0ba902b7', name: 'ok', startTimeUnixNano: now.toString(), endTimeUnixNano: (now + 10n).toString() },
        { traceId, spanId: 'abcd', name: 'bad', startTimeUnixNano: now.toString(), endTimeUnixNano: (now + 10n).toString() },
      ] }] }],
    }) });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.partialSuccess.rejectedSpans, '1');
    assert.match(body.partialSuccess.errorMessage, /span 1.*spanId/);
    assert.equal(await traceCount(traceId), 1);
  });

  test('protobuf clients get partial_success in protobuf', async () => {
    const traceId = '33333333333333333333333333333333';
    const body = encodeOtlpProtobuf(request([otlpSpan({ traceId: hexBytes(traceId) }), otlpSpan({ traceId: hexBytes(traceId), spanId: hexBytes('01') })]));
    const response = await post(body, protobuf);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-protobuf');
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.ok(bytes.length > 0, 'a partial_success message is present');
    assert.match(bytes.toString('latin1'), /spanId/);
    assert.equal(await traceCount(traceId), 1);
  });

  test('an empty request is accepted and stores nothing', async () => {
    const response = await post(JSON.stringify({ resourceSpans: [] }), json);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {});
  });

  test('GET on the ingest path and unknown paths get clear errors', async () => {
    await expectRefused(await fetch(`${central.url}/v1/traces`), 405, /POST/);
    await expectRefused(await fetch(`${central.url}/api/nope`), 404, /no route/);
  });
});
