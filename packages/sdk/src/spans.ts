import { context, SpanStatusCode, trace, type Attributes, type AttributeValue, type Context, type Span, type SpanOptions } from '@opentelemetry/api';
import { ANNOTATION_KEYS_ATTRIBUTE } from '@stitch/model';

const tracer = () => trace.getTracer('@stitch/sdk');

/**
 * Runs `fn` inside a new span (a child of the current one, or of `parent`), ends it when `fn`
 * settles, and records a thrown error as an exception with an error status before rethrowing it.
 */
export async function withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, options: SpanOptions = {}, parent: Context = context.active()): Promise<T> {
  return tracer().startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordError(error, span);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Annotations are indexed and searchable (`annotation.order_id = "…"`); the key is listed in aws.xray.annotations, as X-Ray exporters do. */
export function annotate(key: string, value: string | number | boolean, span: Span | undefined = trace.getActiveSpan()): void {
  if (!span) return;
  span.setAttribute(key, value);
  const listed = annotationKeys.get(span) ?? [];
  if (!listed.includes(key)) {
    listed.push(key);
    annotationKeys.set(span, listed);
    span.setAttribute(ANNOTATION_KEYS_ATTRIBUTE, listed.slice());
  }
}
const annotationKeys = new WeakMap<Span, string[]>();

/** Metadata is stored and shown, not indexed: any JSON-able value, under `metadata.<key>`. */
export function addMetadata(key: string, value: unknown, span: Span | undefined = trace.getActiveSpan()): void {
  if (!span) return;
  const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  span.setAttribute(`metadata.${key}`, (scalar ? value : safeJson(value)) as AttributeValue);
}

/** Records an exception event and marks the span as failed. */
export function recordError(error: unknown, span: Span | undefined = trace.getActiveSpan()): void {
  if (!span) return;
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

/** Names the current server span after its route (`GET /prices/{sku}`): frameworks know routes, node's http does not. */
export function setRoute(route: string, attributes: Attributes = {}): void {
  const span = trace.getSpan(context.active());
  if (!span) return;
  span.setAttribute('http.route', route);
  span.setAttributes(attributes);
  // The SDK's spans expose what was recorded so far; the method is there from the request's start.
  const recorded = (span as unknown as { attributes?: Attributes }).attributes ?? {};
  const method = recorded['http.request.method'] ?? recorded['http.method'];
  span.updateName(typeof method === 'string' ? `${method} ${route}` : route);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
