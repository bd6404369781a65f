import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import protobuf from 'protobufjs/minimal.js';
import { makeSpan, nanos } from '@stitch/model';
import { encodeOtlpProtobuf, spansToOtlpJson } from '@stitch/wire';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { exportRawGrpc, exportSampleLogs, exportSampleTrace, metadataOf } from '@stitch/test-support/exporters';
import { LinkRegistry } from '../access/links/link-registry.ts';

// OTLP over gRPC on central: the stock exporters, unmodified, and a bare gRPC client for what
// they never send. Every answer is the one the OTLP/HTTP path gives, as its gRPC status.

const ADMIN = 'admin-token-grpc-0123456789';
const READER = 'read-token-grpc-0123456789';
const PAYMENTS = '444444444444';

const exportRaw = (port: number, body: Uint8Array, headers: Record<string, string> = {}, path?: string) => exportRawGrpc(port, body, metadataOf(headers), path);

/** ExportTraceServiceResponse's partial_success: (rejected, message), or null when absent. */
function partialSuccessOf(response: Buffer): [number, string] | null {
  if (response.length === 0) return null;
  const outer = protobuf.Reader.create(response);
  outer.uint32(); // partial_success, length-delimited
  const inner = protobuf.Reader.create(outer.bytes());
  let rejected = 0;
  let message = '';
  while (inner.pos < inner.len) {
    const tag = inner.uint32();
    if (tag >>> 3 === 1) rejected = Number(inner.int64());
    else message = inner.string();
  }
  return [rejected, message];
}

const now = BigInt(Date.now()) * 1_000_000n;
const spanBody = (spans: Parameters<typeof makeSpan>[0][]) => {
  // The JSON form's hex ids as the protobuf form's bytes.
  const request = spansToOtlpJson(spans.map((overrides) => makeSpan({ startTimeUnixNano: nanos(now), endTimeUnixNano: nanos(now + 1_000_000n), ...overrides }))) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
  for (const resource of request.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      for (const span of scope.spans) for (const id of ['traceId', 'spanId', 'parentSpanId']) if (typeof span[id] === 'string') span[id] = Buffer.from(span[id] as string, 'hex');
    }
  }
  return encodeOtlpProtobuf(request);
};

describe('OTLP/gRPC on central', () => {
  let central: TestCentral;
  let paymentsToken: string;
  let endpoint: string;
  const read = async (path: string) => {
    const response = await fetch(`${central.url}${path}`, { headers: { authorization: `Bearer ${READER}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  before(async () => {
    const links = await LinkRegistry.open(null);
    central = await startTestCentral({ adminToken: ADMIN, readToken: READER, links, grpc: { port: 0 }, maxBodyBytes: 64 * 1024, maxSpansPerRequest: 50 });
    const sink = await links.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces', 'logs'] });
    paymentsToken = (await links.createLink(sink.id, { accountId: PAYMENTS, accountName: 'payments', types: ['traces', 'logs'], labelTemplate: '$AccountName' })).token;
    endpoint = `http://127.0.0.1:${central.grpcPort}`;
  });
  after(() => central.stop());

  for (const kind of ['grpc', 'grpc+gzip'] as const) {
    test(`the stock ${kind} exporter's trace is stored whole, in the account of the link token in its metadata`, async () => {
      const sent = await exportSampleTrace(endpoint, kind, { authorization: `Bearer ${paymentsToken}` });
      // Acknowledged means stored: the trace is there now.
      const { status: code, body } = await read(`/api/traces/${sent.traceId}`);
      assert.equal(code, 200);
      const [root, child] = body.spans;
      assert.equal(root.spanId, sent.rootSpanId);
      assert.equal(child.parentSpanId, sent.rootSpanId);
      assert.equal(child.name, 'Stripe API call ☕');
      assert.deepEqual(child.events.map((e: { name: string }) => e.name), ['retrying', 'exception']);
      assert.equal(child.links[0].traceId, sent.linkedTraceId);
      // The payload says cloud.account.id 222222222222: the credential decides.
      assert.deepEqual(root.account, { id: PAYMENTS, label: 'payments' });
    });
  }

  test("the stock gRPC log exporter's records are stored in the link's account, joined to their trace", async () => {
    const traceId = 'c0'.repeat(16);
    await exportSampleLogs(endpoint, 'grpc', traceId, { authorization: `Bearer ${paymentsToken}` });
    const { status: code, body } = await read(`/api/logs?traceId=${traceId}`);
    assert.equal(code, 200);
    assert.deepEqual(body.logs.map((record: { body: string }) => record.body).sort(), ['Stripe timed out after 8 s (grpc)', 'calling Stripe (grpc)']);
    assert.ok(body.logs.every((record: { account: { id: string } }) => record.account.id === PAYMENTS));
  });

  test('without a credential, or with one that is not a link token: UNAUTHENTICATED, saying what is needed', async () => {
    const body = spanBody([{ traceId: 'd1'.repeat(16), spanId: '1'.repeat(16) }]);
    const anonymous = await exportRaw(central.grpcPort!, body);
    assert.equal(anonymous.error?.code, status.UNAUTHENTICATED);
    assert.match(anonymous.error!.details, /needs a link token/);
    const unknown = await exportRaw(central.grpcPort!, body, { authorization: 'Bearer stl_not-a-token' });
    assert.equal(unknown.error?.code, status.UNAUTHENTICATED);
    const reader = await exportRaw(central.grpcPort!, body, { authorization: `Bearer ${READER}` });
    assert.equal(reader.error?.code, status.PERMISSION_DENIED);
    assert.equal((await read(`/api/traces/${'d1'.repeat(16)}`)).status, 404, 'nothing stored');
  });

  test('bad input is INVALID_ARGUMENT naming what is wrong; a span refused among good ones is partial success; too many spans or bytes: RESOURCE_EXHAUSTED', async () => {
    const auth = { authorization: `Bearer ${paymentsToken}` };
    const garbage = await exportRaw(central.grpcPort!, Buffer.from('not protobuf at all, just text'), auth);
    assert.equal(garbage.error?.code, status.INVALID_ARGUMENT);

    const traceId = 'd2'.repeat(16);
    const mixed = await exportRaw(central.grpcPort!, spanBody([{ traceId, spanId: '1'.repeat(16) }, { traceId, spanId: '2'.repeat(16), name: 'late', endTimeUnixNano: nanos(now - 1n) }]), auth);
    assert.equal(mixed.error, null);
    const [rejected, why] = partialSuccessOf(mixed.response!)!;
    assert.equal(rejected, 1);
    assert.match(why, /span 1/);
    assert.equal((await read(`/api/traces/${traceId}`)).body.spans.length, 1, 'the good span is stored');

    const many = await exportRaw(central.grpcPort!, spanBody(Array.from({ length: 51 }, (_, i) => ({ traceId: 'd3'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0') }))), auth);
    assert.equal(many.error?.code, status.RESOURCE_EXHAUSTED);
    assert.match(many.error!.details, /51 spans .* limit of 50/);
    const large = await exportRaw(central.grpcPort!, spanBody([{ traceId: 'd4'.repeat(16), spanId: '1'.repeat(16), name: 'x'.repeat(70 * 1024) }]), auth);
    assert.equal(large.error?.code, status.RESOURCE_EXHAUSTED);
    assert.equal((await fetch(`${central.url}/api/health`)).status, 200, 'central still serves');
  });

  test('an unknown service or method is UNIMPLEMENTED', async () => {
    const answer = await exportRaw(central.grpcPort!, Buffer.alloc(0), {}, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export');
    assert.equal(answer.error?.code, status.UNIMPLEMENTED);
  });
});

test('central without grpc options listens for no gRPC', async (t) => {
  const central = await startTestCentral();
  t.after(() => central.stop());
  assert.equal(central.grpcPort, null);
});
