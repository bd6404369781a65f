import { nanos, summarizeTrace, type Nanos, type Span, type TraceSummary } from '@stitch/model';
import { pushdownFilter, traceMatches, verdictFromDuration, type FilterExpr } from '@stitch/query';
import type { TraceQuery } from '@stitch/store';
import { bothOf } from '../traces/trace-routes.ts';

/** One account's store (or central's own), as the search sees it. Null: it did not answer (recorded by the caller). */
export interface PartSource {
  searchParts(query: TraceQuery): Promise<TraceSummary[] | null>;
}

export interface FederatedSearchOptions {
  /** Parts asked of each source in the first round; each later round asks twice as many, up to maxPageSize. */
  pageSize: number;
  maxPageSize: number;
  /** Traces one search considers at most; past it the answer holds what was found. */
  maxCandidates: number;
  /**
   * How much later than the trace's start a part may start and still be found: an account's
   * part is searched by its own start, which is later than the trace's when the request
   * reached that account late.
   */
  partSlackNanos: bigint;
}

export interface FederatedSearchResult {
  /** Matches, newest start first (for the histogram, `durations` of all of them instead). */
  traces: TraceSummary[];
  durations: bigint[];
  /** False when the search stopped at maxCandidates before the answer was certain. */
  complete: boolean;
  candidates: number;
}

interface Cursor {
  source: PartSource;
  /** Parts starting before this are not read yet. */
  endNanos: Nanos;
  pageSize: number;
  done: boolean;
}

/** A trace some account's part put forward, and what its parts seen so far say of it. */
interface Candidate {
  traceId: string;
  /** The earliest start and latest end of its parts seen: the trace starts no later, ends no earlier. */
  start: bigint;
  end: bigint;
}

/**
 * Search across accounts that each hold part of a trace. Each account is asked, newest first,
 * for its parts meeting a condition every match meets in at least one account
 * (`pushdownFilter`). What those parts say already rules many candidates out (a trace no longer
 * than its parts can show fails `duration > 8`); the rest are fetched whole from every account,
 * newest first and only as many as needed, and checked with the real filter. The answer is
 * final once the `limit`-th newest match is newer than anything unchecked and than every
 * account's cursor. `limit` null: every match of the window (for the histogram).
 */
export async function searchAcrossParts(
  query: TraceQuery,
  limit: number | null,
  sources: readonly PartSource[],
  fetchTraces: (traceIds: readonly string[]) => Promise<Map<string, Span[]>>,
  options: FederatedSearchOptions,
): Promise<FederatedSearchResult> {
  const wanted = wholeTraceFilter(query);
  const pushed = wanted ? partCondition(wanted) : null;
  const slack = options.partSlackNanos;
  const cursors: Cursor[] = sources.map((source) => ({ source, endNanos: nanos(query.endNanos + slack), pageSize: options.pageSize, done: false }));
  const candidates = new Map<string, Candidate>();
  const pending = new Set<Candidate>();
  const matches: TraceSummary[] = [];
  const durations: bigint[] = [];
  const result = (complete: boolean): FederatedSearchResult => ({
    traces: limit === null ? matches : matches.sort(newestFirst).slice(0, limit),
    durations,
    complete,
    candidates: candidates.size,
  });
  const verify = async (chosen: readonly Candidate[]) => {
    const traces = await fetchTraces(chosen.map((candidate) => candidate.traceId));
    for (const candidate of chosen) {
      pending.delete(candidate);
      const spans = traces.get(candidate.traceId);
      const summary = spans && matchingSummary(spans, query, wanted);
      if (summary) {
        matches.push(summary);
        durations.push(summary.durationNanos);
      }
    }
  };

  while (true) {
    await Promise.all(cursors.filter((cursor) => !cursor.done).map((cursor) => readPage(cursor, query, pushed, candidates, pending, options.maxPageSize)));
    const open = cursors.filter((cursor) => !cursor.done);
    // Every trace starting at or after this has been seen (through the part that qualifies it).
    const seenFrom = open.length === 0 ? null : open.reduce((latest, cursor) => (cursor.endNanos > latest ? cursor.endNanos : latest), open[0]!.endNanos);
    const overBudget = candidates.size >= options.maxCandidates;
    // Without a pushed condition every part comes back; a part starts at most `slack` after its
    // trace, so once every account has read that far back, all of a trace's parts are in hand
    // and its start and duration are exact (not near the window's start: parts before it are not read).
    const settled = (candidate: Candidate) =>
      pushed === null && candidate.start >= query.startNanos + slack && (seenFrom === null || candidate.start - slack >= seenFrom);
    const verdictOf = (candidate: Candidate, exact: boolean) => (wanted ? verdictFromDuration(wanted, { nanos: candidate.end - candidate.start, exact }) : true);

    for (const candidate of pending) {
      const exact = settled(candidate);
      const verdict = verdictOf(candidate, exact);
      if (verdict === false || (exact && candidate.start >= query.endNanos)) pending.delete(candidate);
      else if (verdict === true && exact && limit === null) {
        // Counted from its parts alone: the histogram needs only the duration.
        pending.delete(candidate);
        durations.push(candidate.end - candidate.start);
      }
    }

    if (limit === null) {
      if (open.length > 0 && !overBudget) continue;
      const rest = [...pending];
      for (let i = 0; i < rest.length; i += 500) await verify(rest.slice(i, i + 500));
      return result(open.length === 0);
    }

    // A candidate whose parts so far fail the filter will most likely be ruled out once all its parts are in: wait for them.
    const worthWaiting = (candidate: Candidate) => open.length > 0 && !overBudget && !settled(candidate) && verdictOf(candidate, true) === false;
    // Check the newest candidates that may be in the answer, a page at a time, until the answer is certain.
    while (true) {
      const ranked = [...pending].sort((a, b) => (a.start === b.start ? 0 : a.start > b.start ? -1 : 1));
      matches.sort(newestFirst);
      const kth = matches.length >= limit ? matches[limit - 1]!.startTimeUnixNano : null;
      const certain = kth !== null && (seenFrom === null || kth >= seenFrom) && (ranked.length === 0 || ranked[0]!.start < kth);
      if (certain || (ranked.length === 0 && (seenFrom === null || overBudget))) return result(open.length === 0 || certain);
      const worth = ranked.filter((candidate) => (seenFrom === null || overBudget || candidate.start >= seenFrom) && !worthWaiting(candidate)).slice(0, Math.max(limit, 20));
      if (worth.length === 0) break;
      await verify(worth);
    }
    if (overBudget) return result(false);
  }
}

/** One page of a source's parts, newest first, folded into the candidates; moves its cursor past them. */
async function readPage(cursor: Cursor, query: TraceQuery, pushed: FilterExpr | null, candidates: Map<string, Candidate>, pending: Set<Candidate>, maxPageSize: number): Promise<void> {
  const parts = await cursor.source.searchParts({
    startNanos: query.startNanos,
    endNanos: cursor.endNanos,
    limit: cursor.pageSize,
    // A part never lasts longer than its trace: the bound holds in every account.
    ...(query.maxDurationNanos !== undefined && { maxDurationNanos: query.maxDurationNanos }),
    ...(pushed && { filter: pushed }),
  });
  if (parts === null || parts.length < cursor.pageSize) {
    cursor.done = true;
  } else {
    const oldest = parts.reduce((min, part) => (part.startTimeUnixNano < min ? part.startTimeUnixNano : min), parts[0]!.startTimeUnixNano);
    // Parts starting at the oldest instant may continue on the next page (the end is exclusive);
    // a page of nothing but that instant steps past it.
    cursor.endNanos = parts.every((part) => part.startTimeUnixNano === oldest) ? oldest : nanos(oldest + 1n);
    cursor.pageSize = Math.min(cursor.pageSize * 2, maxPageSize);
  }
  for (const part of parts ?? []) {
    const end = part.startTimeUnixNano + part.durationNanos;
    const known = candidates.get(part.traceId);
    if (!known) {
      const candidate = { traceId: part.traceId, start: part.startTimeUnixNano, end };
      candidates.set(part.traceId, candidate);
      pending.add(candidate);
    } else {
      if (part.startTimeUnixNano < known.start) known.start = part.startTimeUnixNano;
      if (end > known.end) known.end = end;
    }
  }
}

/**
 * What each account is asked to filter its parts by. `service("checkout") AND duration > 8`,
 * the on-call search, would push `service("checkout")` down, which nearly every trace passes,
 * and every one would then be fetched whole; asking for every part instead lets the parts'
 * bounds rule out all but the slow traces.
 */
function partCondition(wanted: FilterExpr): FilterExpr | null {
  const pushed = pushdownFilter(wanted);
  const weak = pushed === null || (pushed.type === 'service' && pushed.body === null);
  return weak && hasMinimumDuration(wanted) ? null : pushed;
}

/** Whether the filter requires the trace to last at least some time (a top-level `duration >` or `>=`). */
function hasMinimumDuration(expr: FilterExpr): boolean {
  if (expr.type === 'and') return hasMinimumDuration(expr.left) || hasMinimumDuration(expr.right);
  return expr.type === 'compare' && expr.field === 'duration' && (expr.op === '>' || expr.op === '>=');
}

/** The service and the duration bounds folded into the filter: on whole traces they are just conditions. */
export function wholeTraceFilter(query: TraceQuery): FilterExpr | undefined {
  const conditions: FilterExpr[] = [];
  if (query.serviceName !== undefined) conditions.push({ type: 'service', column: 0, service: query.serviceName, body: null });
  if (query.minDurationNanos !== undefined) conditions.push({ type: 'compare', column: 0, field: 'duration', op: '>=', value: query.minDurationNanos });
  if (query.maxDurationNanos !== undefined) conditions.push({ type: 'compare', column: 0, field: 'duration', op: '<=', value: query.maxDurationNanos });
  if (query.filter) conditions.push(query.filter);
  return conditions.reduce<FilterExpr | undefined>(bothOf, undefined);
}

function matchingSummary(spans: readonly Span[], query: TraceQuery, wanted: FilterExpr | undefined): TraceSummary | null {
  const summary = summarizeTrace(spans);
  if (!summary || summary.startTimeUnixNano < query.startNanos || summary.startTimeUnixNano >= query.endNanos) return null;
  return !wanted || traceMatches(wanted, spans) ? summary : null;
}

const newestFirst = (a: TraceSummary, b: TraceSummary) =>
  a.startTimeUnixNano === b.startTimeUnixNano ? a.traceId.localeCompare(b.traceId) : a.startTimeUnixNano > b.startTimeUnixNano ? -1 : 1;
