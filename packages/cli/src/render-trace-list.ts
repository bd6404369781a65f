import type { HistogramJson, TraceSearchJson } from '@stitch/api';
import { formatDuration } from '@stitch/graph';
import { accountName, formatAgo, formatInstant, isArriving, listedText, orderTraceList, traceStatusText } from '@stitch/model';
import { renderHistogram } from './render-histogram.ts';

/**
 * `stitch search` as text: how many of how many match, how their durations spread, then a line a
 * trace, newest first, those still arriving (no root yet) last and marked; times, durations and
 * account names written as the console writes them.
 */
export function renderTraceList(answer: TraceSearchJson & { histogram: HistogramJson }, accountLabels: ReadonlyMap<string, string>, nowMs: number): string {
  const { traces, histogram } = answer;
  if (traces.length === 0) return 'no traces match';
  const more = histogram.total > traces.length ? ' (narrow the filter or the time range, or raise --limit, to see the rest)' : '';
  const lines = [`${listedText(traces.length, histogram.total)} match${more}; durations:`, renderHistogram(histogram), ''];
  lines.push(`${'started'.padEnd(19)}  ${'ago'.padEnd(10)} ${'duration'.padStart(9)} ${'spans'.padStart(6)}  ${'trace id'.padEnd(32)}  root  status (what the caller saw)  accounts`);
  for (const trace of orderTraceList(traces, 'newest')) {
    const startedMs = Number(BigInt(trace.startTimeUnixNano) / 1_000_000n);
    const status = isArriving(trace) ? 'still arriving, no root yet' : traceStatusText(trace);
    const accounts = trace.accounts.map((id) => accountName({ id, label: accountLabels.get(id) })).join(', ');
    lines.push(`${formatInstant(startedMs)}  ${formatAgo(startedMs, nowMs).padEnd(10)} ${formatDuration(BigInt(trace.durationNanos)).padStart(9)} ${String(trace.spanCount).padStart(6)}  ${trace.traceId}  ${trace.rootServiceName}: ${trace.rootSpanName}  ${status}  ${accounts}`);
  }
  return lines.join('\n');
}
