import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { initTracing, type Tracing, type TracingOptions } from '@stitch/sdk';

export interface InMemoryTracing {
  tracing: Tracing;
  exporter: InMemorySpanExporter;
  /** The spans of one trace finished so far (what is buffered is flushed first). */
  spansOf(traceId: string): Promise<ReadableSpan[]>;
}

/** The SDK set up in this process as a service would have it, its spans kept in memory. */
export function initInMemoryTracing(options: TracingOptions): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ ...options, exporter });
  return {
    tracing,
    exporter,
    async spansOf(traceId) {
      await tracing.flush();
      return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
    },
  };
}
