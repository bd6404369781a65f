import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { seededRandom } from '@stitch/model';
import { WireError } from './wire-error.ts';
import { parseDaemonDatagram, segmentToSpans, XRAY_LIMITS } from './xray-segment.ts';

const account = { id: '444444444444', label: 'payments' };
const TRACE = '1-5f8a0b2c-a006649127e371903a2de979';

/** A payments segment as an X-Ray SDK sends it: an inbound request, a Stripe call that faulted, a DynamoDB write. */
function paymentsSegment() {
  return {
    name: 'payments',
    id: '70de5b6f19ff9a0a',
    trace_id: TRACE,
    parent_id: '53995c3f42cd8ad8',
    start_time: 1602882348.123456,
    end_time: 1602882357.5,
    origin: 'AWS::ECS::Container',
    http: { request: { method: 'POST', url: 'https://payments.internal/v1/charges?x=1', client_ip: '10.0.0.7' }, response: { status: 502 } },
    fault: true,
    annotations: { order_id: 'o-42', attempt: 2, vip: false },
    metadata: { debug: { cart: { items: 3 }, note: 'rush' } },
    cause: { exceptions: [{ id: 'e1', type: 'StripeTimeout', message: 'upstream timed out', stack: [{ path: 'charge.js', line: 42, label: 'charge' }] }] },
    subsegments: [
      {
        name: 'Stripe API call',
        id: '0f910026178b71eb',
        namespace: 'remote',
        start_time: 1602882348.2,
        end_time: 1602882357.4,
        http: { request: { method: 'POST', url: 'https://api.stripe.com/v1/payment_intents' }, response: { status: 504 } },
        fault: true,
        subsegments: [{ name: 'tls handshake', id: '1f910026178b71ec', start_time: 1602882348.21, end_time: 1602882348.3 }],
      },
      { name: 'DynamoDB', id: '2f910026178b71ed', namespace: 'aws', start_time: 1602882357.41, end_time: 1602882357.45, aws: { operation: 'PutItem', table_name: 'orders', region: 'us-east-1' }, throttle: true, error: true },
    ],
  };
}

describe('X-Ray segment documents', () => {
  test('a segment and its subsegments become spans of one trace, with their facts', () => {
    const { spans, rejected, inProgressIds } = segmentToSpans(paymentsSegment(), { account });
    assert.deepEqual([rejected, inProgressIds], [[], []]);
    assert.deepEqual(spans.map((s) => [s.name, s.kind, s.parentSpanId]), [
      ['POST /v1/charges', 'server', '53995c3f42cd8ad8'],
      ['Stripe API call', 'client', '70de5b6f19ff9a0a'],
      ['tls handshake', 'internal', '0f910026178b71eb'],
      ['DynamoDB', 'client', '70de5b6f19ff9a0a'],
    ]);
    const [segment, stripe, , dynamo] = spans;
    assert.ok(spans.every((s) => s.traceId === '5f8a0b2ca006649127e371903a2de979' && s.account === account && s.resource.serviceName === 'payments'));
    assert.equal(segment!.startTimeUnixNano, 1_602_882_348_123_456_000n);
    assert.equal(segment!.endTimeUnixNano, 1_602_882_357_500_000_000n);
    assert.deepEqual(segment!.http, { method: 'POST', route: null, url: 'https://payments.internal/v1/charges?x=1', statusCode: 502 });
    assert.deepEqual(segment!.status, { code: 'error', message: 'upstream timed out' });
    assert.deepEqual(segment!.attributes['aws.xray.annotations'], ['order_id', 'attempt', 'vip']);
    assert.equal(segment!.attributes.order_id, 'o-42');
    assert.equal(segment!.attributes['metadata.debug.cart'], '{"items":3}');
    assert.equal(segment!.events[0]!.attributes['exception.type'], 'StripeTimeout');
    assert.match(String(segment!.events[0]!.attributes['exception.stacktrace']), /charge \(charge\.js:42\)/);
    assert.equal(segment!.resource.attributes['aws.xray.origin'], 'AWS::ECS::Container');
    assert.equal(stripe!.http.statusCode, 504);
    assert.equal(dynamo!.attributes['aws.operation'], 'PutItem');
    assert.equal(dynamo!.http.statusCode, 429, 'a throttle without a status reads as a 429');
  });

  test('the daemon datagram: a header line, then the document', () => {
    const datagram = Buffer.from(`{"format": "json", "version": 1}\n${JSON.stringify(paymentsSegment())}`);
    assert.equal(segmentToSpans(parseDaemonDatagram(datagram), { account }).spans.length, 4);
    for (const [bytes, field] of [
      [Buffer.from(JSON.stringify(paymentsSegment())), /^header/],
      [Buffer.from('{"format": "xml", "version": 1}\n{}'), /^header/],
      [Buffer.from('{"format": "json", "version": 1}\n{not json'), /^segment: not JSON/],
      [Buffer.alloc(XRAY_LIMITS.datagramBytes + 1, 32), /^datagram: .*over the 65536-byte limit/],
    ] as const) {
      assert.throws(() => parseDaemonDatagram(bytes), (error: unknown) => error instanceof WireError && field.test(error.message));
    }
  });

  test('an in-progress segment waits for its completed document', () => {
    const running = { ...paymentsSegment(), in_progress: true, end_time: undefined, subsegments: [] };
    assert.deepEqual(segmentToSpans(running, { account }), { spans: [], inProgressIds: ['70de5b6f19ff9a0a'], rejected: [] });
    assert.equal(segmentToSpans(paymentsSegment(), { account }).spans[0]!.spanId, '70de5b6f19ff9a0a');
  });

  test('an independent subsegment takes its service from its parent segment', () => {
    const independent = { type: 'subsegment', trace_id: TRACE, parent_id: '70de5b6f19ff9a0a', id: '3f910026178b71ee', name: 'SQS', namespace: 'aws', start_time: 1602882357.46, end_time: 1602882357.47 };
    const [span] = segmentToSpans(independent, { account, serviceOfParent: (id) => (id === '70de5b6f19ff9a0a' ? 'payments' : undefined) }).spans;
    assert.deepEqual([span!.resource.serviceName, span!.kind, span!.parentSpanId], ['payments', 'client', '70de5b6f19ff9a0a']);
  });

  test('a bad subsegment is refused with its subtree and the field named; a bad trace id refuses the document', () => {
    const doc = paymentsSegment();
    doc.subsegments[0]!.id = 'not-hex';
    const { spans, rejected } = segmentToSpans(doc, { account });
    assert.deepEqual(spans.map((s) => s.name), ['POST /v1/charges', 'DynamoDB']);
    assert.match(rejected[0]!.reason, /^id: "not-hex"/);
    const late = paymentsSegment();
    late.subsegments[1]!.end_time = 1;
    assert.match(segmentToSpans(late, { account }).rejected[0]!.reason, /^end_time/);
    for (const [traceId, message] of [['1-5f8a0b2c-xyz', /^segment\.trace_id: .* is not an X-Ray trace id/], ['1-00000000-000000000000000000000000', /all zero/]] as const) {
      assert.throws(() => segmentToSpans({ ...paymentsSegment(), trace_id: traceId }, { account }), (error: unknown) => error instanceof WireError && message.test(error.message));
    }
    assert.throws(() => segmentToSpans({ name: 'x' }, { account }), /^WireError: segment\.trace_id/);
    assert.throws(() => segmentToSpans('a string', { account }), WireError);
  });

  test('hostile documents: deep nesting and random mutations raise WireError or convert, never anything else', () => {
    let deep: Record<string, unknown> = { name: 'leaf', id: 'aaaaaaaaaaaaaaaa', start_time: 1, end_time: 2 };
    for (let i = 0; i < 5_000; i++) deep = { name: 'n', id: 'aaaaaaaaaaaaaaaa', start_time: 1, end_time: 2, subsegments: [deep] };
    assert.throws(() => segmentToSpans({ ...deep, trace_id: TRACE }, { account }), /nested deeper than 128/);

    const random = seededRandom(5);
    const values = [null, -1, 0, 1e308, '', 'x'.repeat(1000), [], {}, true, '1-5f8a0b2c-a006649127e371903a2de979', 'ffffffffffffffff', NaN];
    for (let i = 0; i < 2_000; i++) {
      const doc = paymentsSegment() as Record<string, unknown>;
      const target = random() < 0.5 ? doc : ((doc.subsegments as Array<Record<string, unknown>>)[Math.floor(random() * 2)] as Record<string, unknown>);
      const keys = [...Object.keys(target), 'subsegments', 'http', 'cause', 'annotations'];
      target[keys[Math.floor(random() * keys.length)]!] = values[Math.floor(random() * values.length)];
      try {
        const { spans } = segmentToSpans(doc, { account });
        for (const span of spans) assert.ok(span.endTimeUnixNano >= span.startTimeUnixNano);
      } catch (error) {
        assert.ok(error instanceof WireError, String(error));
      }
    }
  });

  test('documents written by the stock aws-xray-sdk-core convert', () => {
    const require = createRequire(import.meta.url);
    const AWSXRay = require('aws-xray-sdk-core') as { Segment: new (name: string, rootId?: string, parentId?: string) => XRayNode };
    interface XRayNode {
      trace_id: string;
      id: string;
      addNewSubsegment(name: string): XRayNode;
      addAnnotation(key: string, value: string | number | boolean): void;
      addMetadata(key: string, value: unknown): void;
      addRemoteRequestData?: unknown;
      close(error?: Error): void;
      toString(): string;
    }
    const segment = new AWSXRay.Segment('inventory');
    segment.addAnnotation('sku', 'SKU-1');
    const sub = segment.addNewSubsegment('reserve stock');
    sub.addMetadata('rows', { updated: 1 });
    sub.close();
    segment.close(new Error('out of stock'));
    const document = JSON.parse(segment.toString());
    const { spans, rejected } = segmentToSpans(document, { account });
    assert.deepEqual(rejected, []);
    assert.deepEqual(spans.map((s) => [s.name, s.kind]), [['inventory', 'server'], ['reserve stock', 'internal']]);
    assert.equal(spans[0]!.traceId, segment.trace_id.replaceAll('-', '').slice(1));
    assert.equal(spans[0]!.attributes.sku, 'SKU-1');
    assert.equal(spans[1]!.attributes['metadata.default.rows'], '{"updated":1}');
    assert.equal(spans[1]!.parentSpanId, segment.id);
  });
});
