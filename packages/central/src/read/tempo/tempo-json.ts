import type { MetricsQueryJson, PartialJson, SearchTagsJson, TagValuesJson } from '@stitch/api';
import { spanDuration, type AttributeValue, type Span, type TraceSummary } from '@stitch/model';
import { otlpJsonValue, type OtlpJsonValue } from '@stitch/wire';

// The shapes of Tempo's HTTP API (docs/api.md, "Tempo-compatible API"), as its protobuf messages
// look through protobuf's JSON mapping: 64-bit integers as strings, 32-bit ones as numbers, zero
// values left out, typed values as OTLP AnyValues.

/** A label or attribute value as Tempo writes it (an OTLP AnyValue); a group without the attribute is TraceQL's nil. */
const anyValueOf = (value: AttributeValue | null): OtlpJsonValue => (value === null ? { stringValue: 'nil' } : otlpJsonValue(value));

/** What Tempo names a trace whose root span has not arrived yet. */
export const ROOT_NOT_YET_RECEIVED = '<root span not yet received>';

/** One trace of a search answer (tempopb.TraceSearchMetadata): its matched spans, the first `spss` of them, as its span set. */
export function traceSearchMetadata(summary: TraceSummary, matched: readonly Span[] | null, spansPerSet: number): Record<string, unknown> {
  const durationMs = Number(summary.durationNanos / 1_000_000n);
  const rootKnown = summary.status !== 'unknown';
  const spanSet = matched && {
    spans: matched.slice(0, spansPerSet).map((span) => ({
      spanID: span.spanId,
      name: span.name,
      startTimeUnixNano: span.startTimeUnixNano.toString(),
      durationNanos: spanDuration(span).toString(),
      attributes: [{ key: 'service.name', value: anyValueOf(span.resource.serviceName) }],
    })),
    matched: matched.length,
  };
  return {
    traceID: summary.traceId,
    rootServiceName: rootKnown ? summary.rootServiceName : ROOT_NOT_YET_RECEIVED,
    ...(rootKnown ? { rootTraceName: summary.rootSpanName } : {}),
    startTimeUnixNano: summary.startTimeUnixNano.toString(),
    ...(durationMs > 0 ? { durationMs } : {}),
    // `spanSet` is deprecated in Tempo, still sent beside `spanSets` for older clients.
    ...(spanSet ? { spanSet, spanSets: [spanSet] } : {}),
  };
}

/** Tempo's scopes of attribute names, and Stitch's for each (instrumentation: scope attributes are not stored). */
export const TEMPO_SCOPES = ['resource', 'span', 'intrinsic', 'event', 'link', 'instrumentation'] as const;
export type TempoScope = (typeof TEMPO_SCOPES)[number];

/** GET /api/v2/search/tags (tempopb.SearchTagsV2Response); instrumentation's, whose attributes are not stored, empty. */
export function tagsV2(found: SearchTagsJson, asked: TempoScope | null): { scopes: Array<{ name: TempoScope; tags: string[] }> } {
  const scopes: Array<{ name: TempoScope; tags: string[] }> = found.scopes.map((scope) => ({ name: scope.name, tags: scope.tags.map((tag) => tag.name) }));
  if (asked === null) scopes.push({ name: 'instrumentation', tags: [] });
  return { scopes };
}

/** GET /api/search/tags (tempopb.SearchTagsResponse): the names of the scopes wanted, once each. */
export function tagsV1(found: SearchTagsJson, wanted: readonly TempoScope[]): { tagNames: string[] } {
  const names = found.scopes.filter((scope) => wanted.includes(scope.name)).flatMap((scope) => scope.tags.map((tag) => tag.name));
  return { tagNames: [...new Set(names)].sort() };
}

/** GET /api/v2/search/tag/{tag}/values (tempopb.SearchTagValuesV2Response): every value as a string, with Tempo's type names. */
export function tagValuesV2(found: TagValuesJson): { tagValues: Array<{ type: string; value: string }> } {
  return {
    tagValues: found.values.map(({ type, value }) => ({
      type: type === 'number' ? (Number.isInteger(value) ? 'int' : 'float') : type === 'boolean' ? 'bool' : type,
      value: String(value),
    })),
  };
}

/** GET /api/metrics/query_range (tempopb.QueryRangeResponse): typed labels; samples with ms timestamps as strings, a 0 value left out, steps without a value skipped. */
export function queryRangeJson(found: MetricsQueryJson, partial: PartialJson | undefined): Record<string, unknown> {
  return {
    series: found.series.map((series) => ({
      labels: series.labels.map((label) => ({ key: label.key, value: anyValueOf(label.value) })),
      samples: series.points.filter((point) => point.value !== null).map((point) => ({ timestampMs: String(point.tMs), ...(point.value === 0 ? {} : { value: point.value }) })),
    })),
    metrics: { completedJobs: 1, totalJobs: 1 },
    ...(partial ? { status: 'PARTIAL', message: partialMessage(partial) } : {}),
  };
}

function partialMessage(partial: PartialJson): string {
  const missing = partial.missingAccounts.map((account) => `${account.label} (${account.reason})`);
  return [...missing, ...(partial.stoppedAt ? [partial.stoppedAt] : [])].join('; ');
}
