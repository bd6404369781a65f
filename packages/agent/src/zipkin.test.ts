import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { LinkRegistry } from '@stitch/central';
import { exportSampleTrace, recordZipkinJsCall } from '@stitch/test-support/exporters';
import { startTestCentral, type TestCentral } from '@stitch/test-support/central';
import { startAgent, type PipelineAgent } from './agent.ts';

// The agent takes Zipkin v2 spans from the stock clients, unmodified: OpenTelemetry's Zipkin
// exporter and zipkin-js with zipkin-transport-http. What they send is spooled and carried to
// central as the link's account, mapped as OpenTelemetry's Zipkin receiver maps it.

const PRICING = '333333333333';

describe('the agent as a Zipkin collector', () => {
  let central: TestCentral;
  let agent: PipelineAgent;
  let zipkinUrl: string;

  before(async () => {
    const registry = await LinkRegistry.open(null);
    central = await startTestCentral({ links: registry });
    const sink = await registry.createSink({ name: 'observability', allowedAccounts: ['*'], types: ['traces'] });
    const { token } = await registry.createLink(sink.id, { accountId: PRICING, accountName: 'pricing', types: ['traces'], labelTemplate: '$AccountName' });
    agent = await startAgent({ account: { id: PRICING, name: 'pricing' }, sinkUrl: central.url, token, port: 0, zipkin: { port: 0 }, udpPort: 0, samplingPort: 0, maxSpansPerRequest: 20, log: () => {} });
    zipkinUrl = `http://127.0.0.1:${agent.zipkinPort}`;
  });
  after(async () => {
    await agent.close();
    await central.stop();
  });

  /** The trace central holds, once it has `spans` spans (the agent forwards after answering). */
  const traceOnceWhole = async (traceId: string, spans: number): Promise<any> => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const response = await fetch(`${central.url}/api/traces/${traceId}`);
      const body = response.status === 200 ? await response.json() : null;
      if ((body !== null && body.spans.length >= spans) || Date.now() > deadline) return body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  test("OpenTelemetry's stock Zipkin exporter: the trace arrives whole, with its service, resource, kinds, status and events", async () => {
    const sent = await exportSampleTrace(zipkinUrl, 'zipkin');
    const body = await traceOnceWhole(sent.traceId, 2);
    assert.equal(body?.spans.length, 2);
    const root = body.spans.find((span: any) => span.spanId === sent.rootSpanId);
    const child = body.spans.find((span: any) => span.spanId === sent.childSpanId);
    assert.ok(body.spans.every((span: any) => span.account.id === PRICING), 'the link decides the account, not cloud.account.id in the tags');
    assert.equal(root.resource.serviceName, 'checkout-orchestrator');
    assert.equal(root.resource.attributes['service.version'], '1.4.2');
    assert.equal(root.kind, 'server');
    assert.equal(root.name, 'POST /checkout');
    assert.equal(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano), 50_000_000n);
    assert.equal(root.http.statusCode, 201);
    assert.equal(child.kind, 'client');
    assert.equal(child.parentSpanId, sent.rootSpanId);
    assert.deepEqual(child.status, { code: 'error', message: 'upstream 502' });
    assert.deepEqual(child.events.map((event: any) => event.name), ['retrying', 'exception']);
    assert.deepEqual(child.scope, { name: '', version: '' }, "the exporter does not send the scope; nothing is made up");
  });

  test('zipkin-js with zipkin-transport-http (JSON v2): the shared RPC becomes a client span and its server child, the error tag a failed status', async () => {
    const call = await recordZipkinJsCall(zipkinUrl);
    assert.equal(call.status, 202);
    const body = await traceOnceWhole(call.traceId, 2);
    assert.equal(body?.spans.length, 2);
    const client = body.spans.find((span: any) => span.kind === 'client');
    const server = body.spans.find((span: any) => span.kind === 'server');
    assert.equal(client.spanId, call.sharedSpanId);
    assert.equal(client.resource.serviceName, 'frontend');
    assert.equal(client.attributes['peer.service'], 'backend');
    assert.equal(client.attributes['net.peer.ip'], '10.0.0.7');
    assert.equal(client.attributes['net.peer.port'], 8080);
    assert.equal(BigInt(client.startTimeUnixNano), BigInt(call.startMicros) * 1000n);
    assert.equal(BigInt(client.endTimeUnixNano) - BigInt(client.startTimeUnixNano), 33_000_000n);
    assert.notEqual(server.spanId, client.spanId);
    assert.equal(server.parentSpanId, client.spanId);
    assert.equal(server.resource.serviceName, 'backend');
    assert.deepEqual(server.status, { code: 'error', message: 'price table locked' });
    assert.equal(server.http.statusCode, 500);
  });

  test('gzip and protobuf are taken; what is not Zipkin v2 is refused whole, naming the span and field, and nothing of it is kept', async () => {
    const spans = [{ traceId: '5af7183fb1d4cf5f0000000000000001', id: '352bff9a74ca9ad2', name: 'gzipped', timestamp: (Date.now() - 1_000) * 1000, duration: 10, localEndpoint: { serviceName: 'pricing' } }];
    const gzipped = await fetch(`${zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(JSON.stringify(spans)) });
    assert.equal(gzipped.status, 202);
    assert.equal((await traceOnceWhole(spans[0]!.traceId, 1))?.spans[0].name, 'gzipped');

    const post = (body: BodyInit, contentType = 'application/json') => fetch(`${zipkinUrl}/api/v2/spans`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const mixed = await post(JSON.stringify([{ ...spans[0], traceId: '5af7183fb1d4cf5f0000000000000002' }, { ...spans[0], traceId: '5af7183fb1d4cf5f0000000000000002', id: 'not-hex' }]));
    assert.equal(mixed.status, 400);
    assert.match((await mixed.json()).error, /^spans\[1\]\.id: .*1 of 2 spans refused; nothing of this request was kept/);
    assert.equal((await post('{"spans": []}')).status, 400);
    assert.equal((await post(new Uint8Array([0x0a, 0xff, 0xff]), 'application/x-protobuf')).status, 400);
    assert.equal((await post('[]', 'application/x-thrift')).status, 415);
    const tooMany = Array.from({ length: 21 }, (_, i) => ({ ...spans[0], id: (i + 1).toString(16).padStart(16, '0') }));
    assert.equal((await post(JSON.stringify(tooMany))).status, 413);
    assert.equal((await fetch(`${zipkinUrl}/api/v1/spans`, { method: 'POST', body: '[]' })).status, 404);
    assert.equal((await fetch(`${zipkinUrl}/api/v2/spans`)).status, 405);
    // The half-good request left nothing behind.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await fetch(`${central.url}/api/traces/5af7183fb1d4cf5f0000000000000002`)).status, 404);
  });
});
