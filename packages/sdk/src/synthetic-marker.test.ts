// A canary's request (baggage stitch.synthetic=true) marks the spans of the service it reaches,
// and of what that service calls; other requests are not marked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { traceHeaders, newSpanId, newTraceId } from '@stitch/canary';
import { initInMemoryTracing, type InMemoryTracing } from '@stitch/test-support/sdk';

let traced: InMemoryTracing;
let server: Server;
let downstream: Server;
let url: string;
let downstreamHeaders: IncomingHttpHeaders = {};

before(async () => {
  traced = initInMemoryTracing({ service: 'edge-gateway', account: { id: '111111111111', label: 'edge' }, samplesPerSecond: 1e9 });
  downstream = createServer((req, res) => {
    downstreamHeaders = req.headers;
    res.end('ok');
  });
  await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
  const downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
  server = createServer(async (_req, res) => {
    await fetch(`${downstreamUrl}/next`);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  downstream.close();
  await traced.tracing.shutdown();
});

/** A request as a canary (or any untraced caller) sends it: exactly these headers. */
const send = (headers: Record<string, string>) => context.with(suppressTracing(context.active()), () => fetch(`${url}/checkout`, { headers }));

test("a canary's request: the service's server span and its outbound call are marked synthetic, and the marker travels on", async () => {
  const traceId = newTraceId(Date.now());
  assert.equal((await send(traceHeaders(traceId, newSpanId()))).status, 200);
  const spans = await traced.spansOf(traceId);
  assert.deepEqual(spans.map((span) => span.kind).sort(), [1, 1, 2], 'server spans of both handlers and the client span between them');
  for (const span of spans) assert.equal(span.attributes['stitch.synthetic'], true, span.name);
  assert.match(String(downstreamHeaders.baggage), /stitch\.synthetic=true/);
});

test('an ordinary request is not marked', async () => {
  const traceId = newTraceId(Date.now());
  const { traceparent } = traceHeaders(traceId, newSpanId());
  assert.equal((await send({ traceparent: traceparent! })).status, 200);
  const spans = await traced.spansOf(traceId);
  assert.equal(spans.length, 3);
  for (const span of spans) assert.equal(span.attributes['stitch.synthetic'], undefined);
});
