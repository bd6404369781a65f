import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { initTracing, type Tracing } from './init-tracing.ts';
import { annotate, setRoute, withSpan } from './spans.ts';
import { extractFromMessageAttributes, injectIntoMessageAttributes, awsTraceHeader, extractFromAwsTraceHeader, withConsumerSpan, withProducerSpan } from './messaging.ts';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let server: Server;
let url: string;
let lastHeaders: IncomingHttpHeaders = {};

before(async () => {
  tracing = initTracing({ service: 'pricing', account: { id: '222222222222', label: 'pricing' }, exporter, samplesPerSecond: 1e9 });
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    if (req.url?.startsWith('/prices/')) setRoute('/prices/{sku}');
    res.writeHead(req.url === '/fail' ? 503 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  await tracing.shutdown();
});

async function spansOf(traceId: string): Promise<ReadableSpan[]> {
  await tracing.flush();
  return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
}

function call(path: string, headers: Record<string, string | string[]> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
}
const get = call;
/** As a caller without tracing sends it: exactly these headers, no client span. */
const send = (path: string, headers: Record<string, string | string[]>) => context.with(suppressTracing(context.active()), () => call(path, headers));

describe('the SDK in one process', () => {
  test('fetch and http calls carry both headers, one X-Ray-compatible trace id, correct parentage', async () => {
    const traceId = await withSpan('checkout', async (span) => {
      annotate('order_id', 'o-42');
      await fetch(`${url}/prices/42`);
      await get('/stock');
      return span.spanContext().traceId;
    });
    assert.match(traceId, /^[0-9a-f]{8}[0-9a-f]{24}$/);
    const epoch = parseInt(traceId.slice(0, 8), 16);
    assert.ok(Math.abs(epoch - Date.now() / 1000) < 60, 'the first 8 hex digits are the epoch seconds');
    assert.match(String(lastHeaders.traceparent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    assert.match(String(lastHeaders['x-amzn-trace-id']), new RegExp(`^Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=[0-9a-f]{16};Sampled=1$`));

    const spans = await spansOf(traceId);
    const root = spans.find((s) => s.name === 'checkout')!;
    assert.deepEqual(root.attributes['aws.xray.annotations'], ['order_id']);
    const clients = spans.filter((s) => s.kind === 2 /* CLIENT */);
    const servers = spans.filter((s) => s.kind === 1 /* SERVER */);
    assert.equal(clients.length, 2);
    assert.equal(servers.length, 2);
    for (const client of clients) assert.equal(client.parentSpanContext?.spanId, root.spanContext().spanId);
    for (const serverSpan of servers) assert.ok(clients.some((c) => c.spanContext().spanId === serverSpan.parentSpanContext?.spanId));
    assert.equal(root.resource.attributes['cloud.account.id'], '222222222222');
    const priced = servers.find((s) => s.attributes['http.route'] === '/prices/{sku}');
    assert.equal(priced?.name, 'GET /prices/{sku}', 'setRoute names the server span after its route');
  });

  test('baggage travels with the call', async () => {
    const withBaggage = propagation.setBaggage(context.active(), propagation.createBaggage({ 'tenant.id': { value: 'acme' } }));
    await context.with(withBaggage, () => get('/baggage'));
    assert.match(String(lastHeaders.baggage), /tenant\.id=acme/);
  });

  test('an incoming X-Ray header alone, or traceparent alone, is continued', async () => {
    const xrayId = '5f0000000000000000000000000000a1';
    await send('/x', { 'X-Amzn-Trace-Id': `Root=1-5f000000-0000000000000000000000a1;Parent=00000000000000b2;Sampled=1` });
    const fromXray = await spansOf(xrayId);
    assert.equal(fromXray.find((s) => s.kind === 1)?.parentSpanContext?.spanId, '00000000000000b2');
    const w3cId = '5f0000000000000000000000000000c3';
    await send('/w', { traceparent: `00-${w3cId}-00000000000000d4-01` });
    assert.equal((await spansOf(w3cId)).find((s) => s.kind === 1)?.parentSpanContext?.spanId, '00000000000000d4');
  });

  test('when both arrive and disagree, traceparent wins', async () => {
    const w3cId = '5f0000000000000000000000000000e5';
    await send('/both', { traceparent: `00-${w3cId}-00000000000000f6-01`, 'X-Amzn-Trace-Id': 'Root=1-5f000000-000000000000000000000999;Parent=0000000000000888;Sampled=1' });
    assert.equal((await spansOf(w3cId)).length, 1);
    assert.equal((await spansOf('5f000000000000000000000000000999')).length, 0);
  });

  test('malformed headers never break the request and start a new valid trace', async () => {
    const bad: Array<Record<string, string | string[]>> = [
      { traceparent: '00-abc-def-01' },
      { traceparent: `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
      { traceparent: `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01` },
      { traceparent: `00-${'G'.repeat(32)}-${'b'.repeat(16)}-01` },
      { traceparent: `00-${'A'.repeat(32)}-${'B'.repeat(16)}-01` },
      { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, tracestate: 'x'.repeat(8_000) },
      { 'X-Amzn-Trace-Id': 'Root=1-zz-notatraceid;Parent=xyz;Sampled=maybe' },
      { 'X-Amzn-Trace-Id': 'Root=;Parent=;;;;' },
      { 'X-Amzn-Trace-Id': 'x'.repeat(8_000) },
      { traceparent: [`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`] },
      { baggage: '%%%=%%%;;,,' + 'k=v,'.repeat(1500) },
    ];
    for (const headers of bad) {
      exporter.reset();
      assert.equal(await send('/bad', headers), 200, JSON.stringify(headers).slice(0, 80));
      await tracing.flush();
      const [span] = exporter.getFinishedSpans();
      assert.ok(span, 'a server span is still recorded');
      assert.match(span.spanContext().traceId, /^[0-9a-f]{32}$/);
      assert.notEqual(span.spanContext().traceId, '0'.repeat(32));
    }
  });

  test('100 KB headers (over the 16 KB node allows a whole request) are ignored by the propagators', () => {
    for (const carrier of [
      { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, tracestate: 'x'.repeat(100_000) },
      { 'x-amzn-trace-id': `Root=1-5f000000-${'a'.repeat(24)};Parent=${'b'.repeat(16)};Sampled=1${';x'.repeat(50_000)}` },
      { traceparent: 'x'.repeat(100_000), baggage: 'k=v,'.repeat(25_000) },
    ]) {
      const extracted = propagation.extract(ROOT_CONTEXT, carrier);
      const span = trace.getSpanContext(extracted);
      if (span) assert.match(span.traceId, /^[0-9a-f]{32}$/);
    }
  });

  test('a message hop through SNS-style attributes and the SQS AWSTraceHeader continues the trace', async () => {
    const { traceId, attributes, header } = await withSpan('place order', () =>
      withProducerSpan({ system: 'sns', destination: 'order-events' }, (_headers, span) => ({
        traceId: span.spanContext().traceId,
        attributes: injectIntoMessageAttributes(),
        header: awsTraceHeader(),
      })),
    );
    assert.ok(attributes.traceparent?.StringValue && attributes['x-amzn-trace-id']?.StringValue);
    await withConsumerSpan({ system: 'sns', destination: 'order-events' }, extractFromMessageAttributes(attributes), () => undefined);
    await withConsumerSpan({ system: 'sqs', destination: 'emails' }, extractFromAwsTraceHeader(header), () => undefined);
    const spans = await spansOf(traceId);
    const producer = spans.find((s) => s.kind === 3 /* PRODUCER */)!;
    const consumers = spans.filter((s) => s.kind === 4 /* CONSUMER */);
    assert.equal(consumers.length, 2);
    for (const consumer of consumers) assert.equal(consumer.parentSpanContext?.spanId, producer.spanContext().spanId);
  });
});
