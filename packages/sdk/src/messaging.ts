import { context, defaultTextMapSetter, propagation, SpanKind, trace, type Context, type Link, type Span } from '@opentelemetry/api';
import { AWSXRAY_TRACE_ID_HEADER, AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { withSpan } from './spans.ts';

/** SNS-style message attributes: `{ name: { DataType, StringValue } }`. */
export type MessageAttributes = Record<string, { DataType: string; StringValue?: string }>;
/** Kafka, NATS, AMQP headers: a plain string map. */
export type HeaderMap = Record<string, string>;

/** The current context as plain headers (both formats and baggage, per the configured propagators). */
export function injectIntoHeaders(headers: HeaderMap = {}, from: Context = context.active()): HeaderMap {
  propagation.inject(from, headers);
  return headers;
}

/** The current context as SNS-style message attributes (SNS carries at most 10 attributes; this adds up to 3). */
export function injectIntoMessageAttributes(attributes: MessageAttributes = {}, from: Context = context.active()): MessageAttributes {
  for (const [name, value] of Object.entries(injectIntoHeaders({}, from))) attributes[name] = { DataType: 'String', StringValue: value };
  return attributes;
}

const xray = new AWSXRayPropagator();

/** The queue system attribute (SQS `AWSTraceHeader`): the X-Ray header's value, whatever the propagators. */
export function awsTraceHeader(from: Context = context.active()): string | undefined {
  const carrier: HeaderMap = {};
  xray.inject(from, carrier, defaultTextMapSetter);
  return carrier[AWSXRAY_TRACE_ID_HEADER];
}

export function extractFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  // Message brokers keep header case as sent; propagators look up lower-case names.
  const lower: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === 'string') lower[key.toLowerCase()] = text;
  }
  return propagation.extract(context.active(), lower);
}

export function extractFromMessageAttributes(attributes: MessageAttributes | undefined): Context {
  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(attributes ?? {})) if (typeof value?.StringValue === 'string') headers[name] = value.StringValue;
  return extractFromHeaders(headers);
}

export function extractFromAwsTraceHeader(value: string | undefined): Context {
  return value ? extractFromHeaders({ [AWSXRAY_TRACE_ID_HEADER]: value }) : context.active();
}

export interface MessagingSpanOptions {
  /** messaging.system: sns, sqs, kafka, nats, rabbitmq, … */
  system: string;
  /** The topic or queue. */
  destination: string;
}

/**
 * A producer span around sending one message; `send` gets the headers to put on it (in the
 * producer span's context, so the consumer becomes its child).
 */
export function withProducerSpan<T>(options: MessagingSpanOptions, send: (headers: HeaderMap, span: Span) => Promise<T> | T): Promise<T> {
  return messagingSpan(`${options.destination} publish`, SpanKind.PRODUCER, options, context.active(), (span) => send(injectIntoHeaders(), span));
}

/**
 * A consumer span processing one message, continuing the producer's trace: the producer's span
 * is the parent, as the messaging conventions say for a single message. With `link: true` the
 * consumer starts a trace of its own that links to the producer (batch processing).
 */
export function withConsumerSpan<T>(options: MessagingSpanOptions & { link?: boolean }, from: Context, process: (span: Span) => Promise<T> | T): Promise<T> {
  const producer = trace.getSpanContext(from);
  if (options.link && producer) {
    return messagingSpan(`${options.destination} process`, SpanKind.CONSUMER, options, trace.deleteSpan(context.active()), process, [{ context: producer }]);
  }
  return messagingSpan(`${options.destination} process`, SpanKind.CONSUMER, options, from, process);
}

function messagingSpan<T>(
  name: string,
  kind: SpanKind,
  options: MessagingSpanOptions,
  parent: Context,
  work: (span: Span) => Promise<T> | T,
  links: Link[] = [],
): Promise<T> {
  const attributes = { 'messaging.system': options.system, 'messaging.destination.name': options.destination };
  return withSpan(name, work, { kind, attributes, links }, parent);
}
