import type { DiagnoseJson } from '@stitch/api';
import { buildServiceMap, diagnose, diagnosisToJson, knownBreaksOf, renderDiagnosis } from '@stitch/graph';
import type { Span } from '@stitch/model';
import type { TraceReads } from '@stitch/store';
import { ApiError } from '@stitch/http';
import { parseFilterParam } from '../params.ts';
import { accountScope, bothOf, parseSearch } from '../traces/trace-routes.ts';

/** Matching traces compared by default (at most: search's limit, 1,000); the baseline is as large. */
const DEFAULT_TRACES = 200;
const MINUTE_MS = 60_000;

/**
 * GET /api/diagnose?q=&account=&start=&end=&limit= : why the traces matching `q` are slow or failing.
 * The newest `limit` matches are compared with as many of the window's other traces (NOT q):
 * critical-path time by (account, service, operation), and the known patterns (retry storms,
 * calls without a timeout, lock waits, fan-out), each shown more frequent than in the baseline.
 * Traces that may still be missing spans are counted, not compared; a hop on which the propagation
 * report (the map's records of the window) saw context dropped leads when the matches take it.
 * `report` is the same as terminal text.
 */
export async function diagnoseTraces(store: TraceReads, params: URLSearchParams, now: () => number): Promise<DiagnoseJson> {
  if (!params.get('q')?.trim()) throw new ApiError(400, 'q: required: the filter expression that selects the traces to explain (for example: duration > 8)');
  const query = parseSearch(params, now(), DEFAULT_TRACES);
  // With account=, both the matches and the baseline come from that account.
  const selected = parseFilterParam('q', params.get('q')!);
  const scope = accountScope(params);
  // The map's records are per minute: the window widened to whole minutes, as the map does.
  const startMs = Number(query.startNanos / 1_000_000n);
  const endMs = Number(query.endNanos / 1_000_000n);
  const [matching, others, records] = await Promise.all([
    store.searchTraces(query),
    store.searchTraces({ ...query, filter: bothOf({ type: 'not', column: 1, expr: selected }, scope)! }),
    store.readGraphRecords(startMs - (startMs % MINUTE_MS), endMs),
  ]);
  const spans = await store.getTraces([...matching, ...others].map((trace) => trace.traceId));
  const tracesOf = (ids: Array<{ traceId: string }>): Span[][] => ids.map(({ traceId }) => spans.get(traceId) ?? []);
  const breaks = knownBreaksOf(buildServiceMap(records, { startMs, endMs }));
  const diagnosis = diagnose({ matches: tracesOf(matching), baseline: tracesOf(others), breaks, nowNanos: BigInt(Math.trunc(now())) * 1_000_000n });
  return {
    query: { q: params.get('q')!, start: (query.startNanos / 1_000_000n).toString(), end: (query.endNanos / 1_000_000n).toString(), limit: query.limit },
    diagnosis: diagnosisToJson(diagnosis),
    report: renderDiagnosis(diagnosis),
  };
}
