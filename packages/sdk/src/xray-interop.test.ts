// Round trips with the stock X-Ray and OpenTelemetry code, not our own idea of the formats:
// headers written by aws-xray-sdk-core (its http patcher) and @opentelemetry/propagator-aws-xray
// are read by our SDK, and ours are read by their parsers. Trace id, parent id and the sampled
// flag must survive both ways, and a not-sampled request must record nothing downstream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { suppressTracing, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import AWSXRay from 'aws-xray-sdk-core';
// Declared by the package's index types but not exported at run time: taken from its own file.
import TraceID from 'aws-xray-sdk-core/dist/lib/segments/attributes/trace_id.js';
import { createPropagator, type PropagationMode } from './propagation.ts';
import { withSpan } from './spans.ts';
import { initInMemoryTracing, type InMemoryTracing, listenOnLoopback } from '@stitch/test-support/sdk';

let traced: InMemoryTracing;
let server: http.Server;
let url: string;
/** The headers each path last received, as sent on the wire. */
const received = new Map<string, http.IncomingHttpHeaders>();
/** What aws-xray-sdk-core's middleware made of the last request to /xray-reader. */
let xrayReader: XrayRead | null = null;
interface XrayRead {
  header: Record<string, string>;
  segment: InstanceType<typeof AWSXRay.Segment>;
}
/** The X-Ray middleware's reading of the request `call` makes to /xray-reader. */
async function readByXray(call: () => Promise<unknown>): Promise<XrayRead> {
  xrayReader = null;
  await call();
  assert.ok(xrayReader, 'the request reached /xray-reader');
  return xrayReader;
}

before(async () => {
  traced = initInMemoryTracing({ service: 'interop', account: '111111111111', samplesPerSecond: 1e9 });
  // The X-Ray SDK in manual mode: segments are passed explicitly, nothing is sent to a daemon.
  AWSXRay.enableManualMode();
  AWSXRay.setLogger({ debug() {}, info() {}, warn() {}, error() {} });
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    received.set(path, req.headers);
    if (path === '/xray-reader') {
      // What aws-xray-sdk-express does with an incoming request, short of sending the segment.
      const header = AWSXRay.middleware.processHeaders(req) as Record<string, string>;
      const segment = new AWSXRay.Segment('downstream', header.root, header.parent);
      AWSXRay.middleware.resolveSampling(header, segment, res);
      xrayReader = { header, segment };
    }
    if (path === '/relay') {
      // A service that calls on: the decision it received must travel with its own call.
      void fetch(`${url}/leaf`).then(() => res.end('relayed'));
      return;
    }
    res.end('ok');
  });
  url = await listenOnLoopback(server);
});
after(async () => {
  server.close();
  await traced.tracing.shutdown();
});
const spansOf = (traceId: string) => traced.spansOf(traceId);

/** node's http.request (or a patched copy of it), answered and drained. */
function callWith(request: typeof http.request, path: string, options: http.RequestOptions & Record<string, unknown> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, options, (res) => {
      res.resume();
      res.on('end', resolve);
    })
      .on('error', reject)
      .end();
  });
}

/** As an uninstrumented caller sends it: exactly these headers, no span of ours. */
const untraced = <T>(fn: () => Promise<T>) => context.with(suppressTracing(ROOT_CONTEXT), fn);

const xrayRoot = (traceId: string) => `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
const compactId = (root: string) => root.replace(/^1-/, '').replace('-', '');
const remoteParent = (spanContext: SpanContext) => trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, isRemote: true });

describe('headers from aws-xray-sdk-core reach our SDK', () => {
  for (const sampled of [true, false]) {
    test(`its http patcher's X-Amzn-Trace-Id (Sampled=${sampled ? 1 : 0}) is continued${sampled ? '' : ', and nothing is recorded'}`, async () => {
      const segment = new AWSXRay.Segment('caller');
      if (!sampled) segment.notTraced = true;
      const xrayHttp = AWSXRay.captureHTTPs(http, true);
      await untraced(() => callWith(xrayHttp.request, '/relay', { XRaySegment: segment }));

      const sent = String(received.get('/relay')?.['x-amzn-trace-id']);
      const parsed = AWSXRay.utils.processTraceData(sent) as Record<string, string>;
      assert.equal(parsed.root, segment.trace_id, `the stock header: ${sent}`);
      assert.equal(parsed.sampled, sampled ? '1' : '0');
      assert.equal(received.get('/relay')?.traceparent, undefined, 'the X-Ray SDK sends only its own header');
      const subsegmentId = parsed.parent!;
      assert.match(subsegmentId, /^[0-9a-f]{16}$/);

      const traceId = compactId(segment.trace_id);
      const spans = await spansOf(traceId);
      const downstream = received.get('/leaf')!;
      if (sampled) {
        const serverSpans = spans.filter((s) => s.kind === 1 /* SERVER */);
        const relay = serverSpans.find((s) => s.parentSpanContext?.spanId === subsegmentId);
        assert.ok(relay, `a server span whose parent is the X-Ray subsegment ${subsegmentId}`);
        assert.ok(relay.parentSpanContext?.isRemote);
        assert.equal(spans.length, 3, 'relay server, its fetch, the leaf server');
      } else {
        assert.deepEqual(spans, [], 'Sampled=0: no span is recorded');
      }
      // The decision and the trace travel on with the relay's own call, in both formats.
      assert.match(String(downstream.traceparent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-0${sampled ? 1 : 0}$`));
      const onward = AWSXRay.utils.processTraceData(String(downstream['x-amzn-trace-id'])) as Record<string, string>;
      assert.equal(onward.root, segment.trace_id);
      assert.equal(onward.sampled, sampled ? '1' : '0');
    });
  }
});

describe('our headers read by aws-xray-sdk-core', () => {
  test('a sampled call: its middleware continues our trace, under our client span', async () => {
    let traceId = '';
    const read = await readByXray(() =>
      withSpan('caller', async (span) => {
        traceId = span.spanContext().traceId;
        await callWith(http.request, '/xray-reader');
      }),
    );
    const client = (await spansOf(traceId)).find((s) => s.kind === 2 /* CLIENT */)!;
    assert.equal(read.segment.trace_id, xrayRoot(traceId));
    assert.equal(TraceID.FromString(read.header.root!).toString(), read.header.root, 'a valid X-Ray trace id to its parser');
    assert.equal(read.segment.parent_id, client.spanContext().spanId);
    assert.notEqual(read.segment.notTraced, true);
  });

  test('a not-sampled call: its middleware does not trace it either, and we record nothing', async () => {
    const unsampled = { traceId: '5f00000011111111111111111111111a', spanId: '00000000000000b1', traceFlags: TraceFlags.NONE };
    const read = await readByXray(() => context.with(remoteParent(unsampled), () => callWith(http.request, '/xray-reader')));
    assert.equal(read.segment.trace_id, xrayRoot(unsampled.traceId));
    assert.equal(read.header.sampled, '0');
    assert.equal(read.segment.notTraced, true);
    assert.deepEqual(await spansOf(unsampled.traceId), []);
  });
});

describe('@opentelemetry/propagator-aws-xray and ours, both ways', () => {
  const stock = new AWSXRayPropagator();
  const cases: Array<{ name: string; spanContext: SpanContext }> = [
    { name: 'sampled', spanContext: { traceId: '5f0000002222222222222222222222a1', spanId: '00000000000000c1', traceFlags: TraceFlags.SAMPLED } },
    { name: 'not sampled', spanContext: { traceId: '5f0000003333333333333333333333a2', spanId: '00000000000000c2', traceFlags: TraceFlags.NONE } },
  ];

  for (const { name, spanContext } of cases) {
    const sampled = spanContext.traceFlags === TraceFlags.SAMPLED;

    test(`stock inject, our server extracts (${name})`, async () => {
      const carrier: Record<string, string> = {};
      stock.inject(remoteParent(spanContext), carrier, defaultTextMapSetter);
      assert.deepEqual(Object.keys(carrier), ['x-amzn-trace-id']);
      await untraced(() => callWith(http.request, '/stock-xray', { headers: carrier }));
      const spans = await spansOf(spanContext.traceId);
      if (sampled) {
        assert.equal(spans.length, 1);
        assert.equal(spans[0]!.parentSpanContext?.spanId, spanContext.spanId);
      } else {
        assert.deepEqual(spans, [], 'Sampled=0: no span is recorded');
      }
    });

    for (const mode of ['both', 'w3c', 'xray'] as PropagationMode[]) {
      test(`stock inject, our ${mode} propagator extracts; ours injects, stock extracts (${name})`, () => {
        const ours = createPropagator(mode);
        const carrier: Record<string, string> = {};
        stock.inject(remoteParent(spanContext), carrier, defaultTextMapSetter);
        assert.deepEqual(trace.getSpanContext(ours.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)), { ...spanContext, isRemote: true }, 'every mode reads X-Ray');

        const ourCarrier: Record<string, string> = {};
        ours.inject(remoteParent(spanContext), ourCarrier, defaultTextMapSetter);
        const byStock = trace.getSpanContext(stock.extract(ROOT_CONTEXT, ourCarrier, defaultTextMapGetter));
        const byW3c = trace.getSpanContext(new W3CTraceContextPropagator().extract(ROOT_CONTEXT, ourCarrier, defaultTextMapGetter));
        assert.deepEqual(byStock, mode === 'w3c' ? undefined : { ...spanContext, isRemote: true });
        assert.deepEqual(byW3c, mode === 'xray' ? undefined : { ...spanContext, isRemote: true });
      });
    }
  }

  test('traceparent with flags 00 arriving alone records nothing, and the next call says so in both formats', async () => {
    const traceId = '5f0000004444444444444444444444a3';
    await untraced(() => callWith(http.request, '/relay', { headers: { traceparent: `00-${traceId}-00000000000000d1-00` } }));
    assert.deepEqual(await spansOf(traceId), []);
    const onward = received.get('/leaf')!;
    assert.match(String(onward.traceparent), new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    assert.equal(trace.getSpanContext(stock.extract(ROOT_CONTEXT, onward, defaultTextMapGetter))?.traceFlags, TraceFlags.NONE);
  });
});
