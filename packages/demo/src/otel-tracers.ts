import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DEMO_SERVICES, type DemoServiceKey } from './services.ts';

export interface DemoTracers {
  tracers: Record<DemoServiceKey, Tracer>;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * One OpenTelemetry tracer provider per service, as each service would have in its own
 * process, exporting OTLP/HTTP with the stock exporters (protobuf, or JSON for some).
 */
export function createDemoTracers(endpoint: string | ((account: string) => string), encoding: 'protobuf' | 'json' = 'protobuf'): DemoTracers {
  const providers: BasicTracerProvider[] = [];
  const tracers = {} as Record<DemoServiceKey, Tracer>;
  for (const [key, info] of Object.entries(DEMO_SERVICES) as Array<[DemoServiceKey, (typeof DEMO_SERVICES)[DemoServiceKey]]>) {
    // One endpoint for all, or each account's own agent.
    const url = `${typeof endpoint === 'string' ? endpoint : endpoint(info.account)}/v1/traces`;
    const exporter = encoding === 'protobuf' ? new ProtoExporter({ url }) : new JsonExporter({ url });
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': info.service,
        'cloud.provider': 'aws',
        'cloud.account.id': info.account,
        'stitch.account.name': info.accountName,
        'deployment.environment.name': 'demo',
      }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200, maxExportBatchSize: 512 })],
    });
    providers.push(provider);
    tracers[key] = provider.getTracer('stitch-demo', '0.1.0');
  }
  return {
    tracers,
    flush: async () => {
      await Promise.all(providers.map((provider) => provider.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(providers.map((provider) => provider.shutdown()));
    },
  };
}
