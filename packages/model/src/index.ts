export type { Nanos, Millis } from './units.ts';
export { nanos, millis, nanosToMillis, millisToNanos, NANOS_PER_MILLI, DURATION_UNIT_NANOS, MAX_DURATION_NANOS } from './units.ts';
export type {
  Account,
  AttributeValue,
  Attributes,
  HttpFacts,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
  StatusCode,
  SpanOutcome,
  SpanOutline,
  SpanResult,
} from './span.ts';
export { SPAN_KINDS, STATUS_CODES, spanDuration, isErrorSpan, outcomeOf, outlineOf, spanOutcome } from './span.ts';
export { isValidTraceId, isValidSpanId, normalizeTraceId, TRACE_ID_FORMS, xrayTraceIdOf } from './ids.ts';
export { httpFactsOf } from './http-facts.ts';
export type { AnnotationValue } from './annotations.ts';
export { ANNOTATION_KEYS_ATTRIBUTE, annotationsOf } from './annotations.ts';
export type { TreeSpan, TraceTree } from './trace-tree.ts';
export { buildTraceTree } from './trace-tree.ts';
export type { CriticalPath, CriticalSegment, CriticalSpanSegment, CriticalGapSegment } from './critical-path.ts';
export { CLOCK_SKEW_NANOS, criticalPath, criticalPathOfTree } from './critical-path.ts';
export type { TraceBounds, TraceStatus, TraceSummary } from './trace-summary.ts';
export { TRACE_STATUSES, summarizeTrace, traceBoundsOf, traceStatusOf } from './trace-summary.ts';
export type { SpanJson } from './span-json.ts';
export { spanToJson, spanFromJson } from './span-json.ts';
export { placeholderOf, hiddenServiceName, isHiddenServiceName } from './placeholder-span.ts';
export type { SpanBatch, StoredSpan } from './span-batch.ts';
export { spansToBatch, batchToSpans, spanAt, spanFromStored, concatBatches, eventsFromJson, linksFromJson } from './span-batch.ts';
export type { TypedAttributes } from './typed-attributes.ts';
export type { EventFacets, LinkFacets } from './nested-facets.ts';
export { eventFacetsJson, linkFacetsJson } from './nested-facets.ts';
export { isStoredNumber, attributesFromTyped, attributesFromTypedJson, typedAttributesJson, TYPED_ATTRIBUTE_LISTS, wellFormed } from './typed-attributes.ts';
export { makeSpan, seededRandom } from './fixtures.ts';
export { SPAN_LIMITS, LIMITED_ATTRIBUTES_ATTRIBUTE, limitSpanAttributes } from './span-limits.ts';
export type { TraceJson, TraceSpanJson, TraceSummaryJson } from './trace-json.ts';
export { traceJsonOf, traceSummaryJson } from './trace-json.ts';
export { spanMentions } from './span-mentions.ts';
export type { TraceOutlineJson, OutlineServiceJson } from './trace-outline-json.ts';
export { traceOutlineJsonOf, OUTLINE_FLAGS } from './trace-outline-json.ts';
export type { LogRecord, LogRecordJson, LogsAnswerJson } from './log-record.ts';
export { logRecordJson } from './log-record.ts';
export type { UsageCounts, UsageRow } from './usage-row.ts';
export { USAGE_COUNTERS, emptyUsageCounts, addUsage } from './usage-row.ts';
export { SEVERITY_NUMBERS, severityNameOf, severityNumberOf } from './log-severity.ts';
export { LOG_LIMITS, limitLogRecord } from './log-limits.ts';
export { TRACE_STATUS_LABELS, TRACE_STATUS_MEANINGS, containedErrorsText, traceStatusText } from './trace-status-text.ts';
export type { InferredPeer } from './inferred-peer.ts';
export { inferPeer, calledPeerOf, stringAttribute } from './inferred-peer.ts';
export { ArrivalOrderMap } from './arrival-order-map.ts';
export { formatAgo, formatInstant } from './when-text.ts';
export type { NamedAccount } from './account-name.ts';
export { accountName, accountNameWithId } from './account-name.ts';
export type { TraceListOrder } from './trace-list.ts';
export { TRACE_LIST_ORDERS, isArriving, listedText, orderTraceList } from './trace-list.ts';
