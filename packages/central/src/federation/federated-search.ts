import { nanos, summarizeTrace, type Nanos, type Span, type TraceSummary } from '@stitch/model';
import { pushdownFilter, traceMatches, type FilterExpr } from '@stitch/query';
import type { TraceQuery } from '@stitch/store';

/** One account's store (or central's own), as the search sees it. Null: it did not answer (recorded by the caller). */
export interface PartSource {
  searchParts(query: TraceQuery): Promise<TraceSummary[] | null>;
}

export interface FederatedSearchOptions {
  /** Parts asked of each source per round. */
  pageSize: number;
  /** Candidate traces checked at most; past it the answer holds what was found. */
  maxCandidates: number;
  /**
   * How much later than the trace's start a part may start and still be found: an account's
   * part is searched by its own start, which is later than the trace's when the request
   * reached that account late.
   */
  partSlackNanos: bigint;
}

export interface FederatedSearchResult {
  /** Matches, newest start first. */
  traces: TraceSummary[];
  /** Whether every candidate of the window was checked (false: stopped at maxCandidates or at `limit`). */
  complete: boolean;
  candidatesChecked: number;
}

interface Cursor {
  source: PartSource;
  /** Parts starting before this are not read yet. */
  endNanos: Nanos;
  done: boolean;
}

/**
 * Search across accounts that each hold part of a trace. Each account is asked, newest first,
 * for its parts that satisfy a condition every match must meet in at least one account
 * (`pushdownFilter`); the full candidate traces are then fetched from every account and the
 * real filter is checked on them. Pages continue until `limit` matches are certainly the
 * newest: a match starting after every unfinished account's cursor cannot be on a later page.
 * `limit` null: every match of the window (for the histogram).
 */
export async function searchAcrossParts(
  query: TraceQuery,
  limit: number | null,
  sources: readonly PartSource[],
  fetchTraces: (traceIds: readonly string[]) => Promise<Map<string, Span[]>>,
  options: FederatedSearchOptions,
): Promise<FederatedSearchResult> {
  const wanted = wholeTraceFilter(query);
  const partQuery: Omit<TraceQuery, 'endNanos'> = {
    startNanos: query.startNanos,
    limit: options.pageSize,
    ...(query.maxDurationNanos !== undefined && { maxDurationNanos: query.maxDurationNanos }),
  };
  const pushed = wanted ? pushdownFilter(wanted) : null;
  if (pushed) partQuery.filter = pushed;
  const cursors: Cursor[] = sources.map((source) => ({ source, endNanos: nanos(query.endNanos + options.partSlackNanos), done: false }));
  const checked = new Set<string>();
  const matches: TraceSummary[] = [];

  while (true) {
    const fresh = new Set<string>();
    await Promise.all(
      cursors
        .filter((cursor) => !cursor.done)
        .map(async (cursor) => {
          const parts = await cursor.source.searchParts({ ...partQuery, endNanos: cursor.endNanos });
          if (parts === null) {
            cursor.done = true;
            return;
          }
          advance(cursor, parts, options.pageSize, checked);
          for (const part of parts) if (!checked.has(part.traceId)) fresh.add(part.traceId);
        }),
    );
    const ids = [...fresh].slice(0, Math.max(0, options.maxCandidates - checked.size));
    for (const id of ids) checked.add(id);
    if (ids.length > 0) {
      const traces = await fetchTraces(ids);
      for (const id of ids) {
        const spans = traces.get(id);
        const summary = spans && matchingSummary(spans, query, wanted);
        if (summary) matches.push(summary);
      }
    }
    const open = cursors.filter((cursor) => !cursor.done);
    matches.sort(newestFirst);
    if (open.length === 0) return { traces: limit === null ? matches : matches.slice(0, limit), complete: true, candidatesChecked: checked.size };
    if (checked.size >= options.maxCandidates) return { traces: limit === null ? matches : matches.slice(0, limit), complete: false, candidatesChecked: checked.size };
    if (limit !== null) {
      // Every match starting at or after the latest open cursor has been seen.
      const settledFrom = open.reduce((latest, cursor) => (cursor.endNanos > latest ? cursor.endNanos : latest), open[0]!.endNanos);
      const settled = matches.filter((match) => match.startTimeUnixNano >= settledFrom);
      if (settled.length >= limit) return { traces: settled.slice(0, limit), complete: false, candidatesChecked: checked.size };
    }
  }
}

/** The service and the duration bounds folded into the filter: on whole traces they are just conditions. */
function wholeTraceFilter(query: TraceQuery): FilterExpr | undefined {
  const conditions: FilterExpr[] = [];
  if (query.serviceName !== undefined) conditions.push({ type: 'service', column: 0, service: query.serviceName, body: null });
  if (query.minDurationNanos !== undefined) conditions.push({ type: 'compare', column: 0, field: 'duration', op: '>=', value: query.minDurationNanos });
  if (query.maxDurationNanos !== undefined) conditions.push({ type: 'compare', column: 0, field: 'duration', op: '<=', value: query.maxDurationNanos });
  if (query.filter) conditions.push(query.filter);
  return conditions.reduce<FilterExpr | undefined>((all, next) => (all ? { type: 'and', column: 0, left: all, right: next } : next), undefined);
}

function matchingSummary(spans: readonly Span[], query: TraceQuery, wanted: FilterExpr | undefined): TraceSummary | null {
  const summary = summarizeTrace(spans);
  if (!summary || summary.startTimeUnixNano < query.startNanos || summary.startTimeUnixNano >= query.endNanos) return null;
  return !wanted || traceMatches(wanted, spans) ? summary : null;
}

/** Moves a source's cursor past the page it answered; a short page means it has no more. */
function advance(cursor: Cursor, parts: readonly TraceSummary[], pageSize: number, seen: ReadonlySet<string>): void {
  if (parts.length < pageSize) {
    cursor.done = true;
    return;
  }
  const oldest = parts.reduce((min, part) => (part.startTimeUnixNano < min ? part.startTimeUnixNano : min), parts[0]!.startTimeUnixNano);
  // Parts starting at the oldest instant may continue on the next page (end is exclusive, so +1);
  // if the page held nothing new, that instant is full of seen parts: step past it.
  const onlySeen = parts.every((part) => seen.has(part.traceId));
  cursor.endNanos = onlySeen ? oldest : nanos(oldest + 1n);
  if (cursor.endNanos <= 0n) cursor.done = true;
}

const newestFirst = (a: TraceSummary, b: TraceSummary) =>
  a.startTimeUnixNano === b.startTimeUnixNano ? a.traceId.localeCompare(b.traceId) : a.startTimeUnixNano > b.startTimeUnixNano ? -1 : 1;
