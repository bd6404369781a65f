import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { metadataOf } from './trace-exporters.ts';

/**
 * Sends three log lines through the stock OpenTelemetry JS logs SDK and exporter, as any service
 * would: two inside a span of `traceId`, one outside any trace. Resolves once the export returned
 * (`url`: central's, or for gRPC its gRPC endpoint).
 */
export async function exportSampleLogs(url: string, kind: 'json' | 'protobuf' | 'grpc', traceId: string, headers: Record<string, string> = {}): Promise<void> {
  const options = { url: `${url}/v1/logs`, headers };
  const exporter = kind === 'json' ? new JsonLogExporter(options) : kind === 'grpc' ? new GrpcLogExporter({ url, metadata: metadataOf(headers) }) : new ProtoLogExporter(options);
  const provider = new LoggerProvider({
    // The payload claims an account: the link's credential must decide it instead.
    resource: resourceFromAttributes({ 'service.name': 'payments', 'cloud.account.id': '999999999999' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('stitch-test', '1.0.0');
  const inSpan = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
  const now = Date.now();
  logger.emit({ timestamp: now - 3, severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: `calling Stripe (${kind})`, attributes: { attempt: 1 }, context: inSpan });
  logger.emit({ timestamp: now - 2, severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `Stripe timed out after 8 s (${kind})`, context: inSpan });
  logger.emit({ timestamp: now - 1, severityNumber: SeverityNumber.WARN, body: `pool exhausted (${kind})`, context: ROOT_CONTEXT });
  await provider.forceFlush();
  await provider.shutdown();
}
