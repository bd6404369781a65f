import type { ExpectedMatches } from './reference-matches.ts';
import type { SearchCase, TraceSummaryJson } from './search-cases.ts';

export interface SearchAnswerJson {
  traces?: TraceSummaryJson[];
  histogram?: { total: number };
}

export interface SearchWindow {
  startMs: number;
  endMs: number;
  limit: number;
}

/**
 * What is wrong with one answer to a search, or null. Checked: the page (the reference's newest
 * `limit` matches, in order: each in the window, newest first, passing the case's check and
 * matched by the reference evaluator), and the histogram: asked for (`withHistogram`), its
 * total is the reference's count; not asked for, there is none (it would have been paid for).
 */
export function searchAnswerProblem(
  status: number,
  json: SearchAnswerJson | null,
  search: SearchCase,
  expected: ExpectedMatches,
  window: SearchWindow,
  withHistogram: boolean,
): string | null {
  if (status !== 200) return `status ${status}`;
  const traces = json?.traces;
  if (!traces) return 'no traces in the answer';
  const total = json?.histogram?.total;
  if (withHistogram) {
    if (total === undefined) return 'no histogram in the answer to histogram=true';
    if (total !== expected.total) return `histogram total ${total}, the reference counts ${expected.total}`;
  } else if (json?.histogram !== undefined) {
    return 'a histogram in the answer to a search without histogram=true';
  }
  if (traces.length !== Math.min(window.limit, expected.total)) return `${traces.length} traces returned of ${expected.total} matches (by the reference) with limit ${window.limit}`;
  const startNs = BigInt(window.startMs) * 1_000_000n;
  const endNs = BigInt(window.endMs) * 1_000_000n;
  let previousNs: bigint | null = null;
  for (const trace of traces) {
    const traceNs = BigInt(trace.startTimeUnixNano);
    if (traceNs < startNs || traceNs >= endNs) return `trace ${trace.traceId} starts outside the window`;
    if (previousNs !== null && traceNs > previousNs) return `trace ${trace.traceId} is newer than the one before it`;
    if (!search.check(trace)) return `trace ${trace.traceId} fails the summary check (${trace.durationMs} ms, ${trace.services.join(',')}, ${trace.errorSpanCount} spans erred)`;
    if (!expected.includes(trace.traceId)) return `trace ${trace.traceId} does not match by the reference evaluator`;
    previousNs = traceNs;
  }
  const newest = expected.newest(window.limit);
  const differs = traces.findIndex((trace, i) => trace.traceId !== newest[i]!.traceId || BigInt(trace.startTimeUnixNano) !== newest[i]!.startNs);
  if (differs >= 0) {
    const [got, want] = [traces[differs]!, newest[differs]!];
    return `page entry ${differs + 1} is ${got.traceId} starting at ${got.startTimeUnixNano} ns; the reference's newest match there is ${want.traceId} starting at ${want.startNs} ns`;
  }
  return null;
}
