import { annotationsOf, calledPeerOf, spanDuration, traceBoundsOf, traceStatusOf, type Attributes, type Span, type TraceStatus } from '@stitch/model';
import type { AttributeCompare, CompareExpr, CompareOp, FilterExpr } from './ast.ts';
import { matchesPattern } from './regex.ts';
import { spanHasFlag } from './span-flags.ts';

/** What the trace-level conditions need, computed once per trace. */
interface TraceView {
  spans: readonly Span[];
  durationNanos: bigint;
  rootDurationNanos: bigint;
  status: TraceStatus;
  serviceOf: Map<string, string>;
}

/**
 * Whether a trace matches: the reference meaning of the language (see ast.ts). The in-memory
 * store uses it, and the SQL stores are tested against it.
 */
export function traceMatches(expr: FilterExpr, spans: readonly Span[]): boolean {
  const bounds = traceBoundsOf(spans);
  if (!bounds) return false;
  const serviceOf = new Map<string, string>();
  for (const span of spans) if (!serviceOf.has(span.spanId)) serviceOf.set(span.spanId, span.resource.serviceName);
  return onTrace(expr, { spans, durationNanos: bounds.endNanos - bounds.startNanos, rootDurationNanos: spanDuration(bounds.root), status: traceStatusOf(bounds), serviceOf });
}

function onTrace(expr: FilterExpr, trace: TraceView): boolean {
  switch (expr.type) {
    case 'and':
      return onTrace(expr.left, trace) && onTrace(expr.right, trace);
    case 'or':
      return onTrace(expr.left, trace) || onTrace(expr.right, trace);
    case 'not':
      return !onTrace(expr.expr, trace);
    case 'service':
      return trace.spans.some((span) => span.resource.serviceName === expr.service && (expr.body === null || onSpan(expr.body, span)));
    case 'spanSet':
      return trace.spans.some((span) => expr.body === null || onSpan(expr.body, span));
    case 'edge':
      return trace.spans.some(
        (span) =>
          span.resource.serviceName === expr.to &&
          span.parentSpanId !== null &&
          trace.serviceOf.get(span.parentSpanId) === expr.from &&
          (expr.body === null || onSpan(expr.body, span)),
      );
    case 'compare':
      if (expr.field === 'duration') return compareOrdered(trace.durationNanos, expr.op, expr.value);
      if (expr.field === 'responsetime') return compareOrdered(trace.rootDurationNanos, expr.op, expr.value);
      return trace.spans.some((span) => onSpan(expr, span));
    case 'flag':
    case 'peer':
      return trace.spans.some((span) => onSpan(expr, span));
    case 'traceStatus':
      return (trace.status === expr.value) === (expr.op === '=');
  }
}

function onSpan(expr: FilterExpr, span: Span): boolean {
  switch (expr.type) {
    case 'and':
      return onSpan(expr.left, span) && onSpan(expr.right, span);
    case 'or':
      return onSpan(expr.left, span) || onSpan(expr.right, span);
    case 'not':
      return !onSpan(expr.expr, span);
    case 'flag':
      return spanHasFlag(span, expr.flag);
    case 'compare':
      return compareSpan(expr, span);
    case 'peer': {
      const peer = calledPeerOf(span);
      return peer !== null && peer.name === expr.name && (expr.account === null || peer.account === expr.account);
    }
    case 'service':
    case 'edge':
    case 'traceStatus':
    case 'spanSet':
      // The parser refuses these inside braces, or lifts them out.
      throw new Error(`${expr.type}() inside a span scope`);
  }
}

function compareSpan(expr: CompareExpr, span: Span): boolean {
  switch (expr.field) {
    case 'duration':
    case 'responsetime':
      return compareOrdered(spanDuration(span), expr.op, expr.value);
    case 'http.status':
      return span.http.statusCode !== null && compareOrdered(span.http.statusCode, expr.op, expr.value);
    case 'http.url':
      return compareText(span.http.url, expr.op, expr.value);
    case 'http.method':
      return expr.op === '=~' || expr.op === '!~' ? compareText(span.http.method, expr.op, expr.value) : compareText(span.http.method?.toUpperCase() ?? null, expr.op, expr.value.toUpperCase());
    case 'http.route':
      return compareText(span.http.route, expr.op, expr.value);
    case 'name':
      return compareText(span.name, expr.op, expr.value);
    case 'kind':
      return compareText(span.kind, expr.op, expr.value);
    case 'status':
      return compareText(span.status.code, expr.op, expr.value);
    case 'status.message':
      return compareText(span.status.message, expr.op, expr.value);
    case 'attribute':
      return compareAttribute(expr, span);
    case 'account':
      // != means neither the id nor the label is the value.
      if (expr.op === '!=') return !(span.account.id === expr.value || span.account.label === expr.value);
      return compareText(span.account.id, expr.op, expr.value) || compareText(span.account.label, expr.op, expr.value);
    case 'annotation': {
      const found = annotationsOf(span.attributes).find(([key]) => key === expr.key);
      if (!found) return false;
      const actual = found[1];
      if (typeof expr.value === 'string') return typeof actual === 'string' && compareText(actual, expr.op, expr.value);
      if (typeof expr.value === 'number') return typeof actual === 'number' && compareOrdered(actual, expr.op, expr.value);
      return typeof actual === 'boolean' && (expr.op === '=' ? actual === expr.value : actual !== expr.value);
    }
  }
}

/** An attribute compared with a literal of its own type (ast.ts); nil is absence. `.k` is the span's k where it has one, else its resource's. */
function compareAttribute(expr: AttributeCompare, span: Span): boolean {
  const has = (attributes: Attributes) => Object.hasOwn(attributes, expr.key);
  const owner =
    expr.scope === 'span' ? span.attributes : expr.scope === 'resource' ? span.resource.attributes : has(span.attributes) ? span.attributes : span.resource.attributes;
  if (expr.value === null) return has(owner) === (expr.op === '!=');
  const actual = has(owner) ? owner[expr.key] : undefined;
  if (typeof expr.value === 'string') return typeof actual === 'string' && compareText(actual, expr.op, expr.value);
  // As the stores keep them (typedAttributesJson): NaN, ±Infinity and -0 are not numbers there.
  if (typeof expr.value === 'number') return typeof actual === 'number' && Number.isFinite(actual) && !Object.is(actual, -0) && compareOrdered(actual, expr.op, expr.value);
  return typeof actual === 'boolean' && (expr.op === '=' ? actual === expr.value : actual !== expr.value);
}

function compareOrdered<T extends number | bigint>(actual: T, op: CompareOp, expected: T): boolean {
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    default:
      return false;
  }
}

function compareText(actual: string | null, op: CompareOp, expected: string): boolean {
  if (actual === null) return false;
  switch (op) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case 'contains':
      return actual.includes(expected);
    case 'beginswith':
      return actual.startsWith(expected);
    case 'endswith':
      return actual.endsWith(expected);
    case '=~':
      return matchesPattern(actual, expected);
    case '!~':
      return !matchesPattern(actual, expected);
    default:
      return false;
  }
}
