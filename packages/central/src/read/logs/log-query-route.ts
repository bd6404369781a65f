import { ApiError } from '@stitch/http';
import { logRecordJson, nanos, severityNumberOf, traceSummaryJson, type LogsAnswerJson, type Nanos, type TraceSummary } from '@stitch/model';
import type { LogQuery, LogReads, TraceReads } from '@stitch/store';
import { parseLimit, parseTraceId } from '../params.ts';
import { parseSearch } from '../traces/trace-routes.ts';

const LATEST = nanos(2n ** 63n - 1n);
/** Traces whose logs a filtered search joins: the newest this many matches of `q`. */
const MAX_JOINED_TRACES = 1000;
/** Logs are written by the services of a trace, whose clocks may be a little off the trace's. */
const CLOCK_SLACK_NANOS = 60_000_000_000n;
const PARAMS = new Set(['traceId', 'q', 'start', 'end', 'severity', 'text', 'service', 'account', 'limit', 'traces']);

/**
 * GET /api/logs. With `traceId`: that trace's logs, oldest first. With `q` (a filter expression):
 * the logs of the newest `traces` traces matching it in the window, newest first, each with its
 * trace's summary. Otherwise: the window's logs, newest first. `severity`, `text`, `service` and
 * `account` narrow any of the three. `reads` finds the traces (federated accounts included);
 * `logs` holds the records (central's own store: agents always send their logs there).
 */
export async function searchLogsRoute(reads: TraceReads, logs: LogReads, params: URLSearchParams, now: () => number): Promise<LogsAnswerJson> {
  for (const key of params.keys()) {
    if (!PARAMS.has(key)) throw new ApiError(400, `${key}: unknown parameter (known: ${[...PARAMS].join(', ')})`);
  }
  const narrowing = narrowingOf(params);
  const rawTraceId = params.get('traceId');
  if (rawTraceId !== null) {
    const traceId = parseTraceId('traceId', rawTraceId);
    const window = params.has('start') || params.has('end') ? windowOf(params, now()) : { startNanos: nanos(0n), endNanos: LATEST };
    const found = await logs.searchLogs({ ...window, ...narrowing, traceIds: [traceId], limit: parseLimit(params.get('limit'), 1000, 10_000), oldestFirst: true });
    return { logs: found.map(logRecordJson) };
  }
  const limit = parseLimit(params.get('limit'), 100, 1000);
  const q = params.get('q');
  if (q === null || q.trim() === '') {
    const found = await logs.searchLogs({ ...windowOf(params, now()), ...narrowing, limit });
    return { logs: found.map(logRecordJson) };
  }
  return joinedWithTraces(reads, logs, params, narrowing, limit, now);
}

/** "Logs of requests slower than 2 s in the last hour": the traces first (the search path of /api/traces), then their logs. */
async function joinedWithTraces(reads: TraceReads, logs: LogReads, params: URLSearchParams, narrowing: Partial<LogQuery>, limit: number, now: () => number): Promise<LogsAnswerJson> {
  const traceParams = new URLSearchParams({ q: params.get('q')! });
  for (const key of ['start', 'end'] as const) if (params.has(key)) traceParams.set(key, params.get(key)!);
  const traceLimit = parseLimit(params.get('traces'), MAX_JOINED_TRACES, MAX_JOINED_TRACES);
  traceParams.set('limit', String(traceLimit));
  const traceQuery = parseSearch(traceParams, now());
  const traces = await reads.searchTraces(traceQuery);
  const traceInfo = { matched: traces.length, limit: traceLimit, complete: traces.length < traceLimit };
  if (traces.length === 0) return { logs: [], traces: traceInfo };
  const summaries = new Map<string, TraceSummary>(traces.map((trace) => [trace.traceId, trace]));
  let latestEnd = traceQuery.startNanos as bigint;
  for (const trace of traces) if (trace.startTimeUnixNano + trace.durationNanos > latestEnd) latestEnd = trace.startTimeUnixNano + trace.durationNanos;
  const found = await logs.searchLogs({
    ...narrowing,
    startNanos: nanos(traceQuery.startNanos > CLOCK_SLACK_NANOS ? traceQuery.startNanos - CLOCK_SLACK_NANOS : 0n),
    endNanos: nanos(latestEnd + CLOCK_SLACK_NANOS + 1n),
    traceIds: [...summaries.keys()],
    limit,
  });
  return { logs: found.map((record) => ({ ...logRecordJson(record), trace: traceSummaryJson(summaries.get(record.traceId)!) })), traces: traceInfo };
}

/** The window of /api/traces (default the last hour, at most 31 days), with its checks. */
function windowOf(params: URLSearchParams, nowMs: number): { startNanos: Nanos; endNanos: Nanos } {
  const only = new URLSearchParams();
  for (const key of ['start', 'end'] as const) if (params.has(key)) only.set(key, params.get(key)!);
  const { startNanos, endNanos } = parseSearch(only, nowMs);
  return { startNanos, endNanos };
}

/** severity (a level name or 1–24), text, service, account: each a condition on the record itself. */
function narrowingOf(params: URLSearchParams): Partial<LogQuery> {
  const narrowing: Partial<LogQuery> = {};
  const severity = params.get('severity');
  if (severity !== null && severity !== '') {
    const number = severityNumberOf(severity.slice(0, 40));
    if (number === null) throw new ApiError(400, `severity: "${severity.slice(0, 40)}" is not a level (trace, debug, info, warn, error, fatal, or 1 to 24)`);
    narrowing.severityAtLeast = number;
  }
  const text = bounded(params, 'text');
  if (text !== undefined) narrowing.text = text;
  const service = bounded(params, 'service');
  if (service !== undefined) narrowing.serviceName = service;
  const account = bounded(params, 'account');
  if (account !== undefined) narrowing.account = account;
  return narrowing;
}

function bounded(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  if (value.length > 256) throw new ApiError(400, `${name}: longer than 256 characters`);
  return value;
}
