import { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** 'zipkin': the stock Zipkin exporter (JSON v2); the URL given is then the Zipkin base (http://host:9411). */
export type ExporterKind = 'protobuf' | 'json' | 'protobuf+gzip' | 'zipkin' | GrpcExporterKind;
/** OTLP over gRPC: the URL given is then the gRPC endpoint (http://host:port). */
export type GrpcExporterKind = 'grpc' | 'grpc+gzip';

export interface ExportedTrace {
  traceId: string;
  rootSpanId: string;
  childSpanId: string;
  linkedTraceId: string;
  /** The root span's start (ms since the epoch); the spans' times are set, never read from the clock. */
  startMs: number;
}

/** The sample trace's timing, set explicitly so that duration filters have one right answer. */
export const SAMPLE_TRACE_TIMING = { rootMs: 50, childOffsetMs: 10, childMs: 30 } as const;

/**
 * Sends a two-span trace through the stock OpenTelemetry JS SDK and exporter, the way any
 * instrumented service would, and resolves once the exporter's call has returned. `headers`: as
 * HTTP headers, or as gRPC metadata.
 */
export async function exportSampleTrace(centralUrl: string, kind: ExporterKind, headers: Record<string, string> = {}): Promise<ExportedTrace> {
  const url = `${centralUrl}/v1/traces`;
  const gzip = kind.endsWith('+gzip') ? { compression: CompressionAlgorithm.GZIP } : {};
  const exporter =
    kind === 'json'
      ? new JsonExporter({ url, headers })
      : kind === 'zipkin'
        ? new ZipkinExporter({ url: `${centralUrl}/api/v2/spans`, headers })
        : kind.startsWith('grpc')
          ? new GrpcExporter({ url: centralUrl, metadata: metadataOf(headers), ...gzip })
          : new ProtoExporter({ url, headers, ...gzip });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout-orchestrator', 'service.version': '1.4.2', 'cloud.account.id': '222222222222' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('stitch-test', '9.9.9');
  const linkedTraceId = '0af7651916cd43dd8448eb211c80319c';
  // A second ago, so "the last hour" holds it whole; whole milliseconds, so the durations are exact.
  const startMs = Math.floor(Date.now()) - 1_000;
  const { rootMs, childOffsetMs, childMs } = SAMPLE_TRACE_TIMING;
  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    startTime: startMs,
    attributes: { 'http.request.method': 'POST', 'http.route': '/checkout', 'http.response.status_code': 201, 'order.total': 99.5, 'order.items': 3, 'customer.vip': true, 'order.skus': ['a-1', 'b-2'] },
  });
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
  const child = tracer.startSpan(
    'Stripe API call ☕',
    {
      kind: SpanKind.CLIENT,
      startTime: startMs + childOffsetMs,
      attributes: { 'url.full': 'https://api.stripe.com/v1/payment_intents', 'http.request.method': 'POST', 'http.response.status_code': 502 },
      links: [{ context: { traceId: linkedTraceId, spanId: 'b7ad6b7169203331', traceFlags: 1 }, attributes: { 'link.reason': 'retry-of' } }],
    },
    rootCtx,
  );
  child.addEvent('retrying', { attempt: 2 }, startMs + childOffsetMs + 5);
  child.recordException(new TypeError('socket hang up'), startMs + childOffsetMs + 25);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 502' });
  child.end(startMs + childOffsetMs + childMs);
  root.end(startMs + rootMs);
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, rootSpanId: root.spanContext().spanId, childSpanId: child.spanContext().spanId, linkedTraceId, startMs };
}

/** Headers as the gRPC exporters take them. */
export function metadataOf(headers: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return metadata;
}

/** The collector's trace Export method, as a bare gRPC client calls it. */
export const TRACE_EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * One Export call with a message of our own (what the stock exporters never send), on `client`
 * or on a connection of its own to `127.0.0.1:port`: the error, or the response's bytes.
 */
export function exportRawGrpc(to: Client | number, body: Uint8Array, metadata: Metadata = new Metadata(), method = TRACE_EXPORT_METHOD): Promise<{ error: ServiceError | null; response: Buffer | null }> {
  const client = typeof to === 'number' ? new Client(`127.0.0.1:${to}`, credentials.createInsecure()) : to;
  const bytes = (buffer: Buffer) => buffer;
  return new Promise((resolve) =>
    client.makeUnaryRequest(method, bytes, bytes, Buffer.from(body), metadata, (error, response) => {
      if (client !== to) client.close();
      resolve({ error: error ?? null, response: response ?? null });
    }),
  );
}
