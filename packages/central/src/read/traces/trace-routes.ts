import type { HistogramJson, ServicesJson, TraceSearchJson } from '@stitch/api';
import { nanos, spanMentions, spanToJson, traceJsonOf, traceOutlineJsonOf, traceSummaryJson, type Nanos, type SpanJson, type TraceJson, type TraceOutlineJson } from '@stitch/model';
import type { TraceQuery, TraceReads } from '@stitch/store';
import { ApiError } from '@stitch/http';
import type { DurationHistogram, FilterExpr } from '@stitch/query';
import { parseDuration, parseFilterParam, parseFlag, parseLimit, parseSpanId, parseTime, parseTraceId } from '../params.ts';

const HOUR_NANOS = 3_600_000_000_000n;
/** A search reads every trace of its window for the histogram: a bound keeps one request from scanning years. */
const MAX_WINDOW_DAYS = 31n;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const SEARCH_PARAMS = new Set(['service', 'account', 'minDuration', 'maxDuration', 'start', 'end', 'limit', 'q', 'histogram']);

/**
 * GET /api/traces/{traceId}: every span in tree order, with depth, self time and its share of
 * the critical path; and the critical path itself (segments of span time and gaps, in order).
 */
export async function getTrace(store: TraceReads, id: string): Promise<TraceJson> {
  const traceId = parseTraceId('traceId', id);
  const spans = await store.getTrace(traceId);
  if (spans.length === 0) throw traceNotFound(traceId);
  return traceJsonOf(spans);
}

/**
 * GET /api/traces/{traceId}/outline: every span without its detail, as columns (TraceOutlineJson):
 * what the console draws a trace from, whatever its size.
 */
export async function getTraceOutline(store: TraceReads, id: string): Promise<TraceOutlineJson> {
  const traceId = parseTraceId('traceId', id);
  const spans = await store.getTraceOutline(traceId);
  if (spans.length === 0) throw traceNotFound(traceId);
  return traceOutlineJsonOf(spans);
}

/** GET /api/traces/{traceId}/spans/{spanId}: one span, whole (its attributes, events, links, resource). */
export async function getSpan(store: TraceReads, traceIdText: string, spanIdText: string): Promise<SpanJson> {
  const traceId = parseTraceId('traceId', traceIdText);
  const spanId = parseSpanId('spanId', spanIdText);
  const [span] = await store.getSpans(traceId, [spanId]);
  if (!span) throw new ApiError(404, `span ${spanId} not found in trace ${traceId} (or it is another account's, which this credential does not read)`);
  return spanToJson(span);
}

/** The most a find may look for: a phrase, not a document. */
const MAX_FIND_CHARS = 200;

/**
 * GET /api/traces/{traceId}/find?text=: the ids of the spans that mention `text` (any case) in
 * their name, service, status message, attributes, resource or events (spanMentions).
 */
export async function findInTrace(store: TraceReads, id: string, query: URLSearchParams): Promise<{ text: string; spanIds: string[] }> {
  const traceId = parseTraceId('traceId', id);
  const text = (query.get('text') ?? '').trim();
  if (text === '') throw new ApiError(400, 'text: say what to find (a word of a span name or of an attribute)');
  if (text.length > MAX_FIND_CHARS) throw new ApiError(400, `text: ${text.length} characters, more than the ${MAX_FIND_CHARS} a find takes`);
  const spans = await store.getTrace(traceId);
  if (spans.length === 0) throw traceNotFound(traceId);
  const needle = text.toLowerCase();
  return { text, spanIds: spans.filter((span) => spanMentions(span, needle)).map((span) => span.spanId) };
}

const traceNotFound = (traceId: string) =>
  new ApiError(404, `trace ${traceId} not found: no span with this id has been stored (check the id, the time since it was sent, and that its account is linked)`);

export function histogramJson(histogram: DurationHistogram): HistogramJson {
  return {
    total: histogram.total,
    buckets: histogram.counts.map((count, i) => ({
      fromMs: i === 0 ? 0 : Number(histogram.boundsNanos[i - 1]!) / 1e6,
      toMs: i < histogram.boundsNanos.length ? Number(histogram.boundsNanos[i]!) / 1e6 : null,
      count,
    })),
  };
}

/**
 * GET /api/traces?q=&service=&minDuration=&maxDuration=&start=&end=&limit=&histogram= : trace
 * summaries, newest first; with histogram=true also the duration histogram of every match in the
 * window. Opt-in, because counting every match of a busy hour costs several times the page,
 * which reads only the newest part of the window.
 */
export async function searchTraces(store: TraceReads, params: URLSearchParams, now: () => number): Promise<TraceSearchJson> {
  const query = parseSearch(params, now());
  const withHistogram = parseFlag('histogram', params.get('histogram'));
  const [traces, histogram] = await Promise.all([store.searchTraces(query), withHistogram ? store.durationHistogram(query) : null]);
  return {
    traces: traces.map(traceSummaryJson),
    ...(histogram && { histogram: histogramJson(histogram) }),
    query: { q: params.get('q') ?? '', start: (query.startNanos / 1_000_000n).toString(), end: (query.endNanos / 1_000_000n).toString(), limit: query.limit },
  };
}

export function parseSearch(params: URLSearchParams, nowMs: number, defaultLimit = DEFAULT_LIMIT): TraceQuery {
  for (const key of params.keys()) {
    if (!SEARCH_PARAMS.has(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${[...SEARCH_PARAMS].join(', ')})`);
  }
  const query: TraceQuery = { ...parseWindow(params, nowMs), limit: parseLimit(params.get('limit'), defaultLimit, MAX_LIMIT) };
  const service = params.get('service');
  if (service !== null && service !== '') {
    if (service.length > 256) throw new ApiError(400, 'service: longer than 256 characters');
    query.serviceName = service;
  }
  const q = params.get('q');
  const filter = bothOf(q !== null && q.trim() !== '' ? parseFilterParam('q', q) : undefined, accountScope(params));
  if (filter) query.filter = filter;
  if (params.get('minDuration')) query.minDurationNanos = parseDuration('minDuration', params.get('minDuration')!);
  if (params.get('maxDuration')) query.maxDurationNanos = parseDuration('maxDuration', params.get('maxDuration')!);
  if (query.minDurationNanos !== undefined && query.maxDurationNanos !== undefined && query.minDurationNanos > query.maxDurationNanos) {
    throw new ApiError(400, 'minDuration: must not exceed maxDuration');
  }
  return query;
}

/** `start` and `end` (unix ms or ISO-8601): the last hour by default, at most 31 days. */
export function parseWindow(params: URLSearchParams, nowMs: number): { startNanos: Nanos; endNanos: Nanos } {
  const endNanos = params.get('end') !== null ? parseTime('end', params.get('end')!) : nanos(BigInt(Math.trunc(nowMs)) * 1_000_000n);
  const startNanos = params.get('start') !== null ? parseTime('start', params.get('start')!) : nanos(endNanos - HOUR_NANOS);
  if (startNanos >= endNanos) throw new ApiError(400, 'start: must be before end');
  if (endNanos - startNanos > MAX_WINDOW_DAYS * 24n * HOUR_NANOS) throw new ApiError(400, `start: the window may span at most ${MAX_WINDOW_DAYS} days (the limit of a search window)`);
  return { startNanos, endNanos };
}

/** GET /api/services?account= : every service, or those reporting from one account (by id). */
/** `account=` (an id or label): the same meaning as `account = "…"` in q, without quoting the user's text into an expression. */
export function accountScope(params: URLSearchParams): FilterExpr | undefined {
  const account = params.get('account');
  if (account === null || account === '') return undefined;
  if (account.length > 256) throw new ApiError(400, 'account: longer than 256 characters');
  return { type: 'compare', column: 0, field: 'account', op: '=', value: account };
}

export function bothOf(left: FilterExpr | undefined, right: FilterExpr | undefined): FilterExpr | undefined {
  return left && right ? { type: 'and', column: 0, left, right } : (left ?? right);
}

export async function listServices(store: TraceReads, params: URLSearchParams): Promise<ServicesJson> {
  const account = params.get('account');
  const services = await store.listServices();
  return { services: account ? services.filter((service) => service.accounts.includes(account)) : services };
}
