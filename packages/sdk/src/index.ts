export type { TracingConfig, TracingOptions } from './config.ts';
export { DEFAULT_ENDPOINT, DEFAULT_SAMPLING, optionsFromEnv, resolveConfig } from './config.ts';
export type { Tracing } from './init-tracing.ts';
export { ACCOUNT_LABEL_ATTRIBUTE, DEBUG_HEADER_ATTRIBUTE, initTracing } from './init-tracing.ts';
export type { PropagationMode } from './propagation.ts';
export { createPropagator } from './propagation.ts';
export { ReservoirRatioSampler, createSampler } from './sampler.ts';
export type { LogAttributes, ServiceLogger } from './service-logger.ts';
export { getLogger, logger } from './service-logger.ts';
export { addMetadata, annotate, recordError, setRoute, withSpan } from './spans.ts';
export type { HeaderMap, MessageAttributes, MessagingSpanOptions } from './messaging.ts';
export {
  awsTraceHeader,
  extractFromAwsTraceHeader,
  extractFromHeaders,
  extractFromMessageAttributes,
  injectIntoHeaders,
  injectIntoMessageAttributes,
  withConsumerSpan,
  withProducerSpan,
} from './messaging.ts';
