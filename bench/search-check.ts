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
 * What is wrong with one answer to a search, or null. Checked: the page (at most `limit`
 * summaries, in the window, newest first, each passing the case's check and being a trace the
 * reference evaluator matches), and the histogram (its total is the reference's count, and a
 * page is full whenever the total allows).
 */
export function searchAnswerProblem(status: number, json: SearchAnswerJson | null, search: SearchCase, expected: ExpectedMatches, window: SearchWindow): string | null {
  if (status !== 200) return `status ${status}`;
  const traces = json?.traces;
  const total = json?.histogram?.total;
  if (!traces || total === undefined) return 'no traces or no histogram in the answer';
  if (total !== expected.total) return `histogram total ${total}, the reference counts ${expected.total}`;
  if (traces.length !== Math.min(window.limit, total)) return `${traces.length} traces returned of ${total} matches with limit ${window.limit}`;
  const startNs = BigInt(window.startMs) * 1_000_000n;
  const endNs = BigInt(window.endMs) * 1_000_000n;
  let previousNs: bigint | null = null;
  for (const trace of traces) {
    const traceNs = BigInt(trace.startTimeUnixNano);
    if (traceNs < startNs || traceNs >= endNs) return `trace ${trace.traceId} starts outside the window`;
    if (previousNs !== null && traceNs > previousNs) return `trace ${trace.traceId} is newer than the one before it`;
    if (!search.check(trace)) return `trace ${trace.traceId} fails the summary check (${trace.durationMs} ms, ${trace.services.join(',')}, error ${trace.hasError})`;
    if (!expected.includes(trace.traceId)) return `trace ${trace.traceId} does not match by the reference evaluator`;
    previousNs = traceNs;
  }
  return null;
}
