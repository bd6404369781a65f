import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zipkinProtobufOf } from '@stitch/test-support/fixtures';
import { WireError } from './wire-error.ts';
import { zipkinFormatOf, zipkinToSpans } from './zipkin-v2.ts';

const account = { id: '111111111111', label: 'edge' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

// The example of Zipkin's API reference (zipkin2-api.yaml), a server span with both endpoints.
const API_EXAMPLE = {
  id: '352bff9a74ca9ad2',
  traceId: '5af7183fb1d4cf5f',
  parentId: '6b221d5bc9e6496c',
  name: 'get /api',
  timestamp: 1556604172355737,
  duration: 1431,
  kind: 'SERVER',
  localEndpoint: { serviceName: 'backend', ipv4: '192.168.99.1', port: 3306 },
  remoteEndpoint: { ipv4: '172.19.0.2', port: 58648 },
  tags: { 'http.method': 'GET', 'http.path': '/api', 'mvc.controller.class': 'Frontend', 'mvc.controller.method': 'callBackend' },
};

test('Zipkin API example: 64-bit trace id padded, microseconds to nanoseconds, endpoints as OpenTelemetry names them', () => {
  const { spans, rejected } = zipkinToSpans(json([API_EXAMPLE]), 'json', account);
  assert.deepEqual(rejected, []);
  const [span] = spans;
  assert.equal(span!.traceId, '00000000000000005af7183fb1d4cf5f');
  assert.equal(span!.spanId, '352bff9a74ca9ad2');
  assert.equal(span!.parentSpanId, '6b221d5bc9e6496c');
  assert.equal(span!.kind, 'server');
  assert.equal(span!.name, 'get /api');
  assert.equal(span!.startTimeUnixNano, 1556604172355737000n);
  assert.equal(span!.endTimeUnixNano - span!.startTimeUnixNano, 1431000n);
  assert.deepEqual(span!.resource, { serviceName: 'backend', attributes: { 'service.name': 'backend' } });
  assert.equal(span!.account, account);
  assert.deepEqual(span!.attributes, {
    'http.method': 'GET',
    'http.path': '/api',
    'mvc.controller.class': 'Frontend',
    'mvc.controller.method': 'callBackend',
    'net.host.ip': '192.168.99.1',
    'net.host.port': 3306,
    'net.peer.ip': '172.19.0.2',
    'net.peer.port': 58648,
  });
  assert.equal(span!.http.method, 'GET');
  assert.deepEqual(span!.status, { code: 'unset', message: '' });
});

test('status from otel.status_code and otel.status_description, or from Zipkin\'s error tag; scope and resource tags taken out of the attributes', () => {
  const base = { traceId: '463ac35c9f6413ad48485a3953bb6124', timestamp: 1_700_000_000_000_000, duration: 5_000, localEndpoint: { serviceName: 'fare' } };
  const { spans } = zipkinToSpans(
    json([
      { ...base, id: '0000000000000001', kind: 'CLIENT', remoteEndpoint: { serviceName: 'stripe' }, tags: { 'otel.status_code': 'ERROR', error: 'card declined', 'http.status_code': '502' } },
      { ...base, id: '0000000000000002', tags: { error: '' } },
      { ...base, id: '0000000000000003', tags: { 'otel.status_code': 'STATUS_CODE_ERROR', 'otel.status_description': 'timed out' } },
      { ...base, id: '0000000000000004', tags: { 'otel.status_code': 'OK', 'otel.scope.name': '@opentelemetry/instrumentation-http', 'otel.scope.version': '0.200.0', 'service.version': '4.2.0', 'host.name': 'fare-7', 'telemetry.sdk.language': 'nodejs', 'db.system': 'postgresql', attempt: 3, cached: false } },
    ]),
    'json',
    account,
  );
  assert.deepEqual(spans.map((span) => span.status), [
    { code: 'error', message: 'card declined' },
    { code: 'error', message: '' },
    { code: 'error', message: 'timed out' },
    { code: 'ok', message: '' },
  ]);
  assert.equal(spans[0]!.kind, 'client');
  assert.equal(spans[0]!.attributes['peer.service'], 'stripe');
  assert.equal(spans[0]!.http.statusCode, 502, 'a string status code still tells the HTTP outcome');
  assert.equal(spans[1]!.kind, 'internal', 'a span without a kind is local work');
  assert.ok(!('error' in spans[1]!.attributes));
  assert.deepEqual(spans[3]!.scope, { name: '@opentelemetry/instrumentation-http', version: '0.200.0' });
  assert.deepEqual(spans[3]!.resource.attributes, { 'service.version': '4.2.0', 'host.name': 'fare-7', 'telemetry.sdk.language': 'nodejs', 'service.name': 'fare' });
  assert.deepEqual(spans[3]!.attributes, { 'db.system': 'postgresql', attempt: 3, cached: false });
});

test('a shared span\'s server half gets an id of its own under its client half, the same on every retry', () => {
  const shared = { traceId: '5af7183fb1d4cf5f', id: '6b221d5bc9e6496c', parentId: '1111111111111111', timestamp: 1_700_000_000_000_000, duration: 900 };
  const body = json([
    { ...shared, kind: 'CLIENT', localEndpoint: { serviceName: 'frontend' } },
    { ...shared, kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'backend' } },
  ]);
  const first = zipkinToSpans(body, 'json', account).spans;
  const again = zipkinToSpans(body, 'json', account).spans;
  const [client, server] = first;
  assert.equal(client!.spanId, '6b221d5bc9e6496c');
  assert.equal(client!.parentSpanId, '1111111111111111');
  assert.notEqual(server!.spanId, client!.spanId);
  assert.match(server!.spanId, /^[0-9a-f]{16}$/);
  assert.equal(server!.parentSpanId, client!.spanId);
  assert.equal(again[1]!.spanId, server!.spanId);
});

test('annotations become events; the Collector\'s name|{attributes}|dropped form is read back', () => {
  const { spans } = zipkinToSpans(
    json([
      {
        traceId: '5af7183fb1d4cf5f',
        id: '352bff9a74ca9ad2',
        timestamp: 1_700_000_000_000_000,
        annotations: [
          { timestamp: 1_700_000_000_000_100, value: 'wr' },
          { timestamp: 1_700_000_000_000_200, value: 'exception|{"exception.type":"TimeoutError","retry":2}|0' },
          { timestamp: 1_700_000_000_000_300, value: 'a|b|c' },
        ],
      },
    ]),
    'json',
    account,
  );
  assert.deepEqual(spans[0]!.events, [
    { name: 'wr', timeUnixNano: 1_700_000_000_000_100_000n, attributes: {} },
    { name: 'exception', timeUnixNano: 1_700_000_000_000_200_000n, attributes: { 'exception.type': 'TimeoutError', retry: 2 } },
    { name: 'a|b|c', timeUnixNano: 1_700_000_000_000_300_000n, attributes: {} },
  ]);
  assert.equal(spans[0]!.endTimeUnixNano, spans[0]!.startTimeUnixNano, 'no duration: an instant');
  assert.equal(spans[0]!.resource.serviceName, 'unknown_service');
});

test('protobuf (zipkin.proto3.ListOfSpans) maps as JSON does', () => {
  const body = zipkinProtobufOf([
    {
      traceId: '463ac35c9f6413ad48485a3953bb6124',
      id: 'a2fb4a1d1a96d312',
      parentId: '0020000000000001',
      kind: 1,
      name: 'get',
      timestamp: 1_700_000_000_123_456n,
      duration: 20_000n,
      service: 'frontend',
      remoteIpv4: [10, 0, 0, 7],
      remotePort: 8080,
      tags: { 'http.method': 'GET', 'http.status_code': '503', error: 'upstream unavailable' },
      annotation: [1_700_000_000_130_000n, 'ws'],
    },
  ]);
  const { spans, rejected } = zipkinToSpans(body, 'protobuf', account);
  assert.deepEqual(rejected, []);
  const [span] = spans;
  assert.equal(span!.traceId, '463ac35c9f6413ad48485a3953bb6124');
  assert.equal(span!.spanId, 'a2fb4a1d1a96d312');
  assert.equal(span!.parentSpanId, '0020000000000001');
  assert.equal(span!.kind, 'client');
  assert.equal(span!.startTimeUnixNano, 1_700_000_000_123_456_000n);
  assert.equal(span!.endTimeUnixNano, 1_700_000_000_143_456_000n);
  assert.equal(span!.resource.serviceName, 'frontend');
  assert.deepEqual(span!.status, { code: 'error', message: 'upstream unavailable' });
  assert.equal(span!.http.statusCode, 503);
  assert.equal(span!.attributes['net.peer.ip'], '10.0.0.7');
  assert.equal(span!.attributes['net.peer.port'], 8080);
  assert.deepEqual(span!.events, [{ name: 'ws', timeUnixNano: 1_700_000_000_130_000_000n, attributes: {} }]);
});

test('a bad span is refused alone, naming its field; a body that is not a list of spans is refused whole', () => {
  const good = { traceId: '5af7183fb1d4cf5f', id: '352bff9a74ca9ad2', timestamp: 1_700_000_000_000_000 };
  const { spans, rejected } = zipkinToSpans(
    json([good, { ...good, id: 'xyz' }, { ...good, traceId: '0000000000000000' }, { ...good, timestamp: undefined }, { ...good, kind: 'SIDEWAYS' }, { ...good, timestamp: 9_000_000_000_000_000, duration: 1_000_000_000_000_000 }, { ...good, tags: { nested: { a: 1 } } }, 42]),
    'json',
    account,
  );
  assert.equal(spans.length, 1);
  assert.deepEqual(
    rejected.map((r) => [r.index, r.reason.split(':')[0]]),
    [
      [1, 'id'],
      [2, 'traceId'],
      [3, 'timestamp'],
      [4, 'kind'],
      [5, 'timestamp'],
      [6, 'tags.nested'],
      [7, '(span)'],
    ],
  );
  assert.throws(() => zipkinToSpans(json({ spans: [good] }), 'json', account), (error) => error instanceof WireError && /expected a JSON array/.test(error.message));
  assert.throws(() => zipkinToSpans(Buffer.from('[{"traceId": '), 'json', account), (error) => error instanceof WireError && /^body: not JSON/.test(error.message));
  assert.throws(() => zipkinToSpans(Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'protobuf', account), (error) => error instanceof WireError && /ListOfSpans/.test(error.message));
});

test('content types: JSON (also when none is given) and protobuf; anything else is not Zipkin v2', () => {
  assert.equal(zipkinFormatOf(undefined), 'json');
  assert.equal(zipkinFormatOf('application/json; charset=utf-8'), 'json');
  assert.equal(zipkinFormatOf('application/x-protobuf'), 'protobuf');
  assert.equal(zipkinFormatOf('application/x-thrift'), null);
});
