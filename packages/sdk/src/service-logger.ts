import type { AttributeValue } from '@opentelemetry/api';
import { logs, SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { TracingConfig } from './config.ts';

export type LogAttributes = Record<string, AttributeValue>;

/**
 * A service's log lines, shipped to the local agent's POST /v1/logs. A line written while a span
 * is active carries that span's trace and span ids, so central shows it with its trace
 * ("logs of this trace", "logs of requests slower than 2 s"). Before the SDK is set up (or after
 * it shut down) lines go nowhere: logging never throws at the service.
 */
export interface ServiceLogger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  /** An Error given instead of attributes is recorded as exception.type, .message and .stacktrace. */
  error(message: string, attributes?: LogAttributes | Error): void;
}

/** The OpenTelemetry logger provider of the SDK: OTLP (protobuf) to `config.logsEndpoint`, batched each second. */
export function createLoggerProvider(config: TracingConfig, resource: Resource, exporter?: LogRecordExporter): LoggerProvider {
  return new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({ exporter: exporter ?? new OTLPLogExporter({ url: config.logsEndpoint }), scheduledDelayMillis: 1000 })],
  });
}

const LEVELS = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
} as const;

/**
 * A logger named `scope` (the module or library writing, shown as the record's scope). It asks the
 * global logger provider at each line, so one made at import time works once the SDK is set up.
 */
export function getLogger(scope = 'app'): ServiceLogger {
  let cached: { provider: unknown; logger: Logger } | null = null;
  const loggerNow = (): Logger => {
    const provider = logs.getLoggerProvider();
    if (cached?.provider !== provider) cached = { provider, logger: provider.getLogger(scope) };
    return cached.logger;
  };
  const write = (level: keyof typeof LEVELS, message: string, attributes: LogAttributes | Error = {}) => {
    try {
      loggerNow().emit({
        severityNumber: LEVELS[level],
        severityText: level.toUpperCase(),
        body: message,
        attributes: attributes instanceof Error ? exceptionAttributes(attributes) : attributes,
      });
    } catch {
      // A log line must never fail the request that writes it.
    }
  };
  return {
    debug: (message, attributes) => write('debug', message, attributes),
    info: (message, attributes) => write('info', message, attributes),
    warn: (message, attributes) => write('warn', message, attributes),
    error: (message, attributes) => write('error', message, attributes),
  };
}

/** The logger most services need: `import { logger } from '@stitch/sdk'; logger.warn('Stripe call took 8.5 s')`. */
export const logger: ServiceLogger = getLogger();

function exceptionAttributes(error: Error): LogAttributes {
  return { 'exception.type': error.name, 'exception.message': error.message, ...(error.stack ? { 'exception.stacktrace': error.stack } : {}) };
}
