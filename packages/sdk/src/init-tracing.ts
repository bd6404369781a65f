import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { trace, type Tracer } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resolveConfig, type TracingConfig, type TracingOptions } from './config.ts';
import { createPropagator } from './propagation.ts';
import { createSampler } from './sampler.ts';
import { createLoggerProvider } from './service-logger.ts';
import { SyntheticMarker } from './synthetic-marker.ts';

/** The resource attribute carrying the account's label (the id is the standard cloud.account.id). */
export const ACCOUNT_LABEL_ATTRIBUTE = 'stitch.account.label';

/**
 * `X-Debug: true` on a request, as a span attribute a sampling rule can match
 * (`"attributes": {"http.request.header.x-debug": "true"}`): the header-triggered debug rule.
 */
export const DEBUG_HEADER_ATTRIBUTE = 'http.request.header.x-debug';

function debugHeaderAttributes(headers: IncomingHttpHeaders): Record<string, string> {
  const value = headers['x-debug'];
  return typeof value === 'string' ? { [DEBUG_HEADER_ATTRIBUTE]: value.trim().toLowerCase().slice(0, 16) } : {};
}

export interface Tracing {
  config: TracingConfig;
  tracer: Tracer;
  /** Sends what is buffered now, spans and log lines (before a short-lived process exits, or in tests). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/**
 * One line to trace a service: W3C and X-Ray propagation, X-Ray-compatible trace ids, spans for
 * inbound and outbound HTTP (http, https, fetch/undici), OTLP export to the local agent; and the
 * global OpenTelemetry logger provider, whose lines (`logger` of service-logger.ts) go to the
 * agent's /v1/logs with the active span's ids. Calling it again returns the tracing already set
 * up: instrumentation patches modules once.
 */
export function initTracing(options: TracingOptions & { exporter?: SpanExporter; logExporter?: LogRecordExporter }): Tracing {
  if (active) return active;
  const config = resolveConfig(options);
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces` });
  const resource = resourceFromAttributes({
    'service.name': config.service,
    'cloud.account.id': config.account.id,
    [ACCOUNT_LABEL_ATTRIBUTE]: config.account.label,
  });
  const provider = new NodeTracerProvider({
    resource,
    idGenerator: new AWSXRayIdGenerator(),
    sampler: createSampler({ perSecond: config.samplesPerSecond, ratio: config.sampleRatio, samplingEndpoint: config.samplingEndpoint, resource }),
    spanProcessors: [new SyntheticMarker(), new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  provider.register({ propagator: createPropagator(config.propagators) });
  const loggerProvider = createLoggerProvider(config, resource, options.logExporter);
  logs.setGlobalLoggerProvider(loggerProvider);
  // The debug header is on the server span from its start, where sampling rules can see it.
  const http = new HttpInstrumentation({ startIncomingSpanHook: (request) => debugHeaderAttributes((request as IncomingMessage).headers) });
  registerInstrumentations({ tracerProvider: provider, instrumentations: [http, new UndiciInstrumentation()] });
  // The http instrumentation patches the modules as they are required. Requiring them here
  // patches them even when the app loaded them first (or imports them as ES modules), and the
  // sync hands the patched request/get to ES modules' named imports. fetch is traced through
  // undici's diagnostics channels and needs nothing of the kind.
  const require = createRequire(import.meta.url);
  require('node:http');
  require('node:https');
  syncBuiltinESMExports();
  active = {
    config,
    tracer: trace.getTracer('@stitch/sdk'),
    flush: async () => {
      await Promise.all([provider.forceFlush(), loggerProvider.forceFlush()]);
    },
    shutdown: async () => {
      await Promise.all([provider.shutdown(), loggerProvider.shutdown()]);
      logs.disable();
      active = null;
    },
  };
  return active;
}
