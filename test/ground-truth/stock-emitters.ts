// Sends a corpus's spans the way its services would: OpenTelemetry-instrumented ones through the
// stock JS SDK (a BasicTracerProvider per service, its resource naming the cloud account) and
// its OTLP protobuf serializer; X-Ray-instrumented ones as documents made by the stock
// aws-xray-sdk-core, through an agent's PutTraceSegments. Nothing of @stitch/sdk is used.
import { createRequire } from 'node:module';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type HrTime, type Link } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { CorpusAccount, PlannedSpan } from './corpus.ts';

const KINDS = { internal: SpanKind.INTERNAL, server: SpanKind.SERVER, client: SpanKind.CLIENT, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER } as const;
const hrTime = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

/** Hands the SDK the ids the corpus chose, so its truth can name the spans. */
class PlannedIds implements IdGenerator {
  next = { traceId: '', spanId: '' };
  generateTraceId = () => this.next.traceId;
  generateSpanId = () => this.next.spanId;
}

/** The OTLP protobuf requests the stock SDK makes of an account's OpenTelemetry spans, at most `perRequest` spans each. */
export function otlpRequestsOf(spans: readonly PlannedSpan[], perRequest = 2_000): Uint8Array[] {
  const byService = new Map<string, PlannedSpan[]>();
  for (const span of spans) {
    if (span.emitter !== 'otel') continue;
    const key = `${span.account.id}\u0000${span.service}`;
    const list = byService.get(key);
    if (list) list.push(span);
    else byService.set(key, [span]);
  }
  const finished: ReadableSpan[] = [];
  for (const serviceSpans of byService.values()) {
    const { account, service } = serviceSpans[0]!;
    const ids = new PlannedIds();
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'cloud.provider': 'aws', 'cloud.account.id': account.id, 'telemetry.sdk.language': 'nodejs' }),
      idGenerator: ids,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.57.0');
    for (const planned of serviceSpans) {
      ids.next = { traceId: planned.traceId, spanId: planned.spanId };
      const parent = planned.parentSpanId === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId: planned.traceId, spanId: planned.parentSpanId, traceFlags: 1, isRemote: true });
      const links: Link[] = planned.links.map((link) => ({ context: { ...link, traceFlags: 1 } }));
      const span = tracer.startSpan(planned.name, { kind: KINDS[planned.kind], startTime: hrTime(planned.startNs), attributes: planned.attributes as Attributes, links }, parent);
      if (planned.error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(hrTime(planned.endNs));
    }
    finished.push(...exporter.getFinishedSpans());
  }
  const requests: Uint8Array[] = [];
  for (let i = 0; i < finished.length; i += perRequest) requests.push(ProtobufTraceSerializer.serializeRequest(finished.slice(i, i + perRequest))!);
  return requests;
}

interface XRaySdk {
  setLogger(logger: object): void;
  Segment: new (name: string, rootId: string, parentId?: string) => XRayNode & { format(): string; addNewSubsegment(name: string): XRayNode };
}
interface XRayNode {
  id: string;
  start_time: number;
  end_time?: number;
  in_progress: boolean;
  namespace?: string;
  http?: object;
  fault?: boolean;
  error?: boolean;
}

const secondsOf = (ns: bigint) => Number(ns / 1_000n) / 1e6;
const xrayTraceId = (traceId: string) => `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;

function httpOf(span: PlannedSpan): object {
  const status = span.attributes['http.response.status_code'];
  return { request: { method: span.attributes['http.request.method'], url: span.attributes['url.full'] }, ...(typeof status === 'number' ? { response: { status } } : {}) };
}

/** The segment documents the stock X-Ray SDK makes of the X-Ray-instrumented spans: a segment per server span, its calls as remote subsegments. */
export function xraySegmentDocuments(spans: readonly PlannedSpan[]): string[] {
  const AWSXRay = createRequire(import.meta.url)('aws-xray-sdk-core') as XRaySdk;
  AWSXRay.setLogger({ error() {}, warn() {}, info() {}, debug() {} });
  const xray = spans.filter((span) => span.emitter === 'xray');
  const callsOf = new Map<string, PlannedSpan[]>();
  for (const span of xray) {
    if (span.kind !== 'client') continue;
    const list = callsOf.get(span.parentSpanId!);
    if (list) list.push(span);
    else callsOf.set(span.parentSpanId!, [span]);
  }
  return xray
    .filter((span) => span.kind === 'server')
    .map((server) => {
      const segment = new AWSXRay.Segment(server.service, xrayTraceId(server.traceId), server.parentSpanId ?? undefined);
      // A function's segment (origin AWS::Lambda::Function) records no request of its own.
      const http = server.attributes['http.request.method'] === undefined ? {} : { http: httpOf(server) };
      Object.assign(segment, { id: server.spanId, start_time: secondsOf(server.startNs), end_time: secondsOf(server.endNs), in_progress: false, ...http, ...(server.xrayOrigin ? { origin: server.xrayOrigin } : {}), ...(server.error ? { fault: true } : {}) });
      for (const call of callsOf.get(server.spanId) ?? []) {
        const sub = segment.addNewSubsegment(call.name);
        Object.assign(sub, { id: call.spanId, start_time: secondsOf(call.startNs), end_time: secondsOf(call.endNs), in_progress: false, namespace: 'remote', http: httpOf(call), ...(call.error ? { fault: true } : {}) });
      }
      return segment.format();
    });
}

/** Which accounts' spans go through which door. */
export function spansOf(spans: readonly PlannedSpan[], account: CorpusAccount): PlannedSpan[] {
  return spans.filter((span) => span.account.id === account.id);
}
